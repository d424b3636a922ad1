#!/usr/bin/env bash
# npm run bench: every benchmark, one after the other.
#   npm run bench -- suite    the whole suite (BENCH_COUNT 20000, BENCH_CONCURRENCY 200, BENCH_VOTERS 100000)
#   npm run bench -- lookup   lookup alone, Kafka in and out, cold and warm cache
#                             (BENCH_LOOKUP_VOTERS 10000000, BENCH_LOOKUP_COUNT 200000,
#                             BENCH_LOOKUP_CONCURRENCY, BENCH_LOOKUP_CPU_PROF=1)
#   npm run bench -- codec    SMPP encode and decode per core (BENCH_CODEC_SECONDS 1, BENCH_CODEC_ROUNDS 5)
#   npm run bench -- session  one SMPP session's submit_sm/s, windows 1, 10, 100, against a 1 ms SMSC
#                             (BENCH_SESSION_SECONDS 5, BENCH_SESSION_WINDOWS 1,10,100, BENCH_SESSION_DELAY_MS 1)
#   npm run bench -- sim      the operator simulator alone: MO/s it offers and its CPU per MO, against receivers that
#                             only acknowledge (BENCH_SIM_SECONDS 10, BENCH_SIM_RATES 5000,10000,15000,
#                             BENCH_SIM_WINDOWS 10,50, BENCH_SIM_BINDS 1; not in all)
#   npm run bench -- guard    lookup's request guard against Redis alone (not in all: it reads Redis's own CPU,
#                             so nothing else may use that Redis meanwhile)
#   npm run bench -- import   the roll import into PostgreSQL (ROLL_BENCH_VOTERS; not in all)
#   npm run bench -- floor    what Kafka, Redis, PostgreSQL and SMPP cost per MO with none of Parchee's own work, at
#                             the suite's rates, and Kafka's lower bound per record against a backlog
#                             (FLOOR_MO_RATE 5000, FLOOR_PARTS 2.5, FLOOR_SECONDS 15, FLOOR_REDIS_KEYS 4,
#                             FLOOR_DRAIN_MOS 60000, FLOOR_ONLY kafka,redis,postgres,smpp; kafka-drain alone)
# BENCH=suite|lookup|codec|session|sim|guard|import|floor selects one the same way. codec, session and sim need no infrastructure.
# See docs/benchmarks.md, libs/smpp/README.md and apps/smsc-sim/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true
which="${1:-${BENCH:-all}}"
case "$which" in suite|lookup|codec|session|sim|guard|import|floor|all) ;; *) echo "usage: npm run bench [-- suite|lookup|codec|session|sim|guard|import|floor]" >&2; exit 2 ;; esac
bash deploy/local/ensure-install.sh
if [ "$which" = guard ] || [ "$which" = import ] || [ "$which" = floor ]; then bash deploy/local/infra.sh up; fi
if [ "$which" = suite ] || [ "$which" = lookup ] || [ "$which" = all ]; then
  bash deploy/local/infra.sh up
  npx nx run-many -t build -p ingress lookup egress smsc-sim --output-style=stream-without-prefixes >/dev/null
fi
if [ "$which" = suite ] || [ "$which" = all ]; then node -r @swc-node/register apps/e2e/src/bench/suite-bench.ts; fi
if [ "$which" = lookup ] || [ "$which" = all ]; then node -r @swc-node/register apps/e2e/src/bench/lookup-bench.ts; fi
if [ "$which" = codec ] || [ "$which" = all ]; then node -r @swc-node/register libs/smpp/src/bench/codec-bench.ts; fi
if [ "$which" = session ] || [ "$which" = all ]; then node -r @swc-node/register libs/smpp/src/bench/session-bench.ts; fi
if [ "$which" = sim ]; then node -r @swc-node/register apps/smsc-sim/src/bench/sim-bench.ts; fi
if [ "$which" = guard ]; then node -r @swc-node/register libs/protection/src/bench/guard-bench.ts; fi
if [ "$which" = import ]; then node -r @swc-node/register libs/roll/src/bench/import-bench.ts; fi
if [ "$which" = floor ] || [ "$which" = all ]; then node -r @swc-node/register apps/e2e/src/bench/floor-bench.ts; fi
