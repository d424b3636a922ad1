#!/usr/bin/env bash
# A local Redis Cluster without Docker: three masters and one replica of each, six processes of the
# machine's Debian `redis-server` on 127.0.0.1:7101-7106, for the cluster tests and for trying the
# services against a cluster (PARCHEE_REDIS_URL=redis-cluster://127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103).
# Every subcommand is idempotent. State lives under var/redis-cluster/<port>/ (nodes.conf, log, pid);
# nothing is persisted but each node's cluster configuration.
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT="$PARCHEE_ROOT"
LOG_TAG=redis-cluster

HOST=127.0.0.1
FIRST_PORT="${REDIS_CLUSTER_FIRST_PORT:-7101}"
PORTS=()
for i in 0 1 2 3 4 5; do PORTS+=($((FIRST_PORT + i))); done
VAR="$ROOT/var/redis-cluster"
# How long a master may be silent before the others mark it failed and its replica takes over.
# Redis's default is 15 s; 2 s keeps the local failover measurements and tests short.
NODE_TIMEOUT_MS="${REDIS_CLUSTER_NODE_TIMEOUT_MS:-2000}"
START_TIMEOUT=20

usage() {
  cat <<EOF
usage: deploy/local/redis-cluster.sh <command>

  up       start the six nodes (${PORTS[0]}-${PORTS[5]}) and, the first time, create the cluster
           (3 masters, 1 replica each); waits until every node says cluster_state:ok
  down     stop the six nodes (SHUTDOWN NOSAVE); their cluster configuration stays for the next up
  status   each node's role, pid and the cluster's state; exit 0 when the cluster is ok, 3 otherwise
  reset    down, then wipe var/redis-cluster: the next up creates a new cluster
  url      print the PARCHEE_REDIS_URL of this cluster

State: var/redis-cluster/<port>/ (nodes.conf, redis.log, redis.pid). Node timeout ${NODE_TIMEOUT_MS} ms
(REDIS_CLUSTER_NODE_TIMEOUT_MS); first port ${FIRST_PORT} (REDIS_CLUSTER_FIRST_PORT).
EOF
}

cluster_url() {
  printf 'redis-cluster://%s:%s,%s:%s,%s:%s\n' "$HOST" "${PORTS[0]}" "$HOST" "${PORTS[1]}" "$HOST" "${PORTS[2]}"
}

cli() {
  local port="$1"
  shift
  timeout 5 redis-cli -h "$HOST" -p "$port" "$@"
}

node_ping() {
  [[ "$(cli "$1" ping 2>/dev/null)" == PONG ]]
}

# cluster_field PORT FIELD: a field of CLUSTER INFO on that node (empty when it cannot answer).
cluster_field() {
  cli "$1" cluster info 2>/dev/null | tr -d '\r' | awk -F: -v f="$2" '$1 == f { print $2 }'
}

cluster_ok_everywhere() {
  local port
  for port in "${PORTS[@]}"; do
    [[ "$(cli "$port" cluster info 2>/dev/null | tr -d '\r' | grep -cxE 'cluster_state:ok|cluster_known_nodes:6')" == 2 ]] || return 1
  done
}

replicas_in_sync() {
  local port role
  for port in "${PORTS[@]}"; do
    role="$(cli "$port" role 2>/dev/null | head -n1)"
    if [[ "$role" == slave ]]; then
      [[ "$(cli "$port" info replication 2>/dev/null | tr -d '\r' | awk -F: '$1 == "master_link_status" { print $2 }')" == up ]] || return 1
    fi
  done
}

start_node() {
  local port="$1" dir="$VAR/$1"
  if node_ping "$port"; then return 0; fi
  if port_open "$HOST" "$port"; then
    die "port $port accepts connections but does not answer PING: $(port_owner "$port" || echo 'another program')"
  fi
  mkdir -p "$dir"
  # No persistence (like the machine's Redis for the tests), but nodes.conf keeps each node's
  # identity and the slot map across a down and up. A replica syncs at once (the default waits 5 s
  # for more replicas to share the transfer). A master that fails stops only its own slots, not the
  # whole cluster (cluster-require-full-coverage no, as in deploy/k8s). fd 9 is the lock: never inherited.
  redis-server --daemonize yes --bind "$HOST" --port "$port" --dir "$dir" \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout "$NODE_TIMEOUT_MS" \
    --cluster-require-full-coverage no \
    --save "" --appendonly no --repl-diskless-sync-delay 0 --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" 9>&- >&2 ||
    die "redis-server on $port failed to start (see $dir/redis.log)"
}

wait_until() {
  local what="$1" seconds="$2"
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
  log "$what"
}

up() {
  require_cmd redis-server "apt-get install -y redis-server"
  require_cmd redis-cli "apt-get install -y redis-tools"
  mkdir -p "$VAR"
  exec 9>"$VAR.lock"
  flock -w 120 9 || die "another redis-cluster.sh is still running after 120 s (lock: var/redis-cluster.lock)"
  if cluster_ok_everywhere; then
    ok "cluster ok on $HOST:${PORTS[0]}-${PORTS[5]}"
    return 0
  fi
  local port
  for port in "${PORTS[@]}"; do start_node "$port"; done
  for port in "${PORTS[@]}"; do
    local deadline=$((SECONDS + START_TIMEOUT))
    until node_ping "$port"; do
      ((SECONDS < deadline)) || die "node $port gives no PONG ${START_TIMEOUT} s after start (see $VAR/$port/redis.log)"
      sleep 0.1
    done
  done
  # A node that knows only itself has never been part of a cluster: when all six are such, create
  # one. Nodes that were (a down and up) find each other again from nodes.conf.
  local fresh=0
  for port in "${PORTS[@]}"; do
    [[ "$(cluster_field "$port" cluster_known_nodes)" == 1 ]] && fresh=$((fresh + 1))
  done
  if ((fresh == 6)); then
    log "creating the cluster: masters ${PORTS[*]:0:3}, replicas ${PORTS[*]:3:3}"
    local addresses=()
    for port in "${PORTS[@]}"; do addresses+=("$HOST:$port"); done
    redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes >"$VAR/create.log" 2>&1 ||
      die "redis-cli --cluster create failed (see $VAR/create.log)"
  elif ((fresh > 0)); then
    die "some nodes are in a cluster and $fresh are not: run 'deploy/local/redis-cluster.sh reset' and up again"
  fi
  wait_until "every node says cluster_state:ok" "$START_TIMEOUT" cluster_ok_everywhere ||
    die "the cluster is not ok ${START_TIMEOUT} s after start: $(cli "${PORTS[0]}" cluster info 2>/dev/null | tr -d '\r' | grep -E 'state|slots_(ok|fail)' | tr '\n' ' ')"
  wait_until "every replica in sync with its master" "$START_TIMEOUT" replicas_in_sync ||
    die "a replica is not in sync with its master ${START_TIMEOUT} s after start"
  ok "cluster ok on $HOST:${PORTS[0]}-${PORTS[5]} ($(cluster_url))"
}

down() {
  local port pid
  for port in "${PORTS[@]}"; do
    pid="$(cat "$VAR/$port/redis.pid" 2>/dev/null || true)"
    if node_ping "$port"; then
      cli "$port" shutdown nosave >/dev/null 2>&1 || true
    fi
    if [[ -n "$pid" ]] && ! wait_for_pid_exit "$pid" 10; then
      warn "node $port (pid $pid) still running 10 s after SHUTDOWN; killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  ok "stopped"
}

status() {
  local port role pid state=ok
  for port in "${PORTS[@]}"; do
    pid="$(cat "$VAR/$port/redis.pid" 2>/dev/null || echo -)"
    if node_ping "$port"; then
      role="$(cli "$port" role 2>/dev/null | head -n1)"
      [[ "$role" == slave ]] && role="replica of $(cli "$port" info replication | tr -d '\r' | awk -F: '$1 == "master_port" { print $2 }')"
      printf '%s:%s  pid %-8s %-20s cluster_state:%s\n' "$HOST" "$port" "$pid" "$role" "$(cluster_field "$port" cluster_state)"
    else
      printf '%s:%s  down\n' "$HOST" "$port"
      state=down
    fi
  done
  cluster_ok_everywhere || state=down
  echo "cluster: $state   PARCHEE_REDIS_URL=$(cluster_url)"
  [[ "$state" == ok ]] || exit 3
}

reset() {
  down
  rm -rf "$VAR"
  ok "wiped $VAR"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  reset) reset ;;
  url) cluster_url ;;
  -h | --help | help | '') usage ;;
  *)
    usage
    exit 2
    ;;
esac
