#!/usr/bin/env bash
# npm start: the whole suite on this machine with a simulated operator, a demo roll and a demo SMS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true
bash deploy/local/ensure-install.sh
bash deploy/local/infra.sh up
echo "parchee: building the services"
npx nx run-many -t build -p ingress lookup egress smsc-sim --output-style=stream-without-prefixes >/dev/null
exec node -r @swc-node/register apps/demo/src/main.ts
