#!/usr/bin/env bash
# npm run bench: both benchmarks, one after the other.
#   npm run bench -- suite    the whole suite (BENCH_COUNT 20000, BENCH_CONCURRENCY 200, BENCH_VOTERS 100000)
#   npm run bench -- lookup   lookup alone, Kafka in and out, cold and warm cache
#                             (BENCH_LOOKUP_VOTERS 10000000, BENCH_LOOKUP_COUNT 200000,
#                             BENCH_LOOKUP_CONCURRENCY, BENCH_LOOKUP_CPU_PROF=1)
# BENCH=suite|lookup selects one the same way. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true
which="${1:-${BENCH:-all}}"
case "$which" in suite|lookup|all) ;; *) echo "usage: npm run bench [-- suite|lookup]" >&2; exit 2 ;; esac
bash deploy/local/ensure-install.sh
bash deploy/local/infra.sh up
npx nx run-many -t build -p ingress lookup egress smsc-sim --output-style=stream-without-prefixes >/dev/null
if [ "$which" != lookup ]; then node -r @swc-node/register apps/e2e/src/bench/suite-bench.ts; fi
if [ "$which" != suite ]; then node -r @swc-node/register apps/e2e/src/bench/lookup-bench.ts; fi
