#!/usr/bin/env bash
# npm run test:cluster: the cluster specs (*.cluster-spec.ts), which need the engines as production
# runs them, on this machine: three Kafka brokers (deploy/local/kafka-cluster.sh). Not part of
# npm test: starting the brokers from nothing and killing one under load takes two to three
# minutes on a 2-core machine. The cluster is left running for the next run; stop it with
# deploy/local/kafka-cluster.sh down.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI="${CI:-true}"
bash deploy/local/ensure-install.sh
bash deploy/local/kafka-cluster.sh up
npx nx run-many -t cluster-test --parallel=1 --skip-nx-cache --output-style=stream
