#!/usr/bin/env bash
# npm run soak: a steady MO rate through the whole suite with every service's resident memory
# sampled; fails when a service's RSS grows more than 10 % after warm-up or an MO is lost.
#   SOAK_RATE (MO/s, default 200), SOAK_MINUTES (default 10, fractions allowed),
#   SOAK_VOTERS (default 50000), SOAK_CONCURRENCY. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true
bash deploy/local/ensure-install.sh
bash deploy/local/infra.sh up
npx nx run-many -t build -p ingress lookup egress smsc-sim --output-style=stream-without-prefixes >/dev/null
node -r @swc-node/register apps/e2e/src/soak/suite-soak.ts
