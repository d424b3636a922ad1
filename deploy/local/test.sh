#!/usr/bin/env bash
# npm test: install, bring up Kafka, PostgreSQL and Redis, then lint, unit tests and build,
# integration tests against the real infrastructure (the Redis ones once more on a local Redis
# Cluster, which their Jest setup starts), and the end-to-end tests of the whole suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI="${CI:-true}"
bash deploy/local/ensure-install.sh
bash deploy/local/infra.sh up

mkdir -p var/test
export PARCHEE_TEST_SUMMARY="$PWD/var/test/summary.jsonl"
rm -f "$PARCHEE_TEST_SUMMARY"
status=0
summary() { node tools/test/print-summary.js "$PARCHEE_TEST_SUMMARY"; }
trap summary EXIT

echo "== formatting (Prettier)"
npm run --silent format:check
bash deploy/local/ensure-test-tools.sh
echo "== lint, unit tests (the Kubernetes manifests' too), type checks and builds"
npx nx run-many -t lint,test,build --skip-nx-cache --output-style=stream
echo "== Prometheus config and alert rules (promtool check config, check rules, test rules)"
bash deploy/prometheus/check.sh
echo "== integration tests (real Kafka, Redis, PostgreSQL, TCP)"
npx nx run-many -t int-test --parallel=1 --skip-nx-cache --output-style=stream
echo "== the Redis integration tests again, on a local Redis Cluster (deploy/local/redis-cluster.sh: 3 masters, 3 replicas)"
npx nx run-many -t int-test-cluster --parallel=1 --skip-nx-cache --output-style=stream
echo "== end-to-end tests (the whole suite as processes)"
npx nx run e2e:e2e --skip-nx-cache --output-style=stream
