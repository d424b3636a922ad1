#!/usr/bin/env bash
# npm run bench: throughput, latency and memory of the whole suite on this machine.
# BENCH_COUNT (20000), BENCH_CONCURRENCY (200) and BENCH_VOTERS (100000) tune it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true
bash deploy/local/ensure-install.sh
bash deploy/local/infra.sh up
npx nx run-many -t build -p ingress lookup egress smsc-sim --output-style=stream-without-prefixes >/dev/null
exec node -r @swc-node/register apps/e2e/src/bench/suite-bench.ts
