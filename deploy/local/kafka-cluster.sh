#!/usr/bin/env bash
# A three-broker KRaft Kafka cluster on this machine, beside infra.sh's single broker: own ports
# (brokers 19092, 19094, 19096; controllers one above each), own data under var/kafka-cluster/<n>,
# the same pinned Kafka jars (infra.sh kafka-fetch). Topics are created with the `production`
# topic profile (three copies, min.insync.replicas 2). For trying what a broker lost costs and for
# the cluster specs (libs/messaging, npm run test:cluster); development only.
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT="$PARCHEE_ROOT"
LOG_TAG=kafka-cluster

NODES=(1 2 3)
HOST=127.0.0.1
# Small heaps: three brokers, the machine's own broker and the suite share the machine.
JVM_OPTS=(-Xms128m -Xmx384m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true)
START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

CONF_SRC="$ROOT/deploy/local/kafka"
VAR="$ROOT/var/kafka-cluster"
CLUSTER_ID_FILE="$VAR/cluster.id"

broker_port() { echo $((19090 + 2 * $1)); }
controller_port() { echo $((19091 + 2 * $1)); }
node_dir() { echo "$VAR/$1"; }
node_config() { echo "$VAR/$1/server.properties"; }
node_log() { echo "$VAR/$1/kafka.log"; }
node_pidfile() { echo "$VAR/$1/kafka.pid"; }

bootstrap() {
  local n out=()
  for n in "${NODES[@]}"; do out+=("$HOST:$(broker_port "$n")"); done
  (IFS=,; echo "${out[*]}")
}

usage() {
  cat <<EOF
usage: deploy/local/kafka-cluster.sh <command>

  up            fetch the jars (first run only), format and start the brokers not running, wait
                until all are ready, create the topics (profile production)
  down          stop every broker (SIGTERM, SIGKILL after ${STOP_TIMEOUT}s)
  status        each broker's pid and port, the topics; exit 0 when all three run, 3 otherwise
  kill <n>      kill -9 broker n (1-3), as a crash or a lost machine would
  stop <n>      stop broker n gracefully (SIGTERM)
  start <n>     start broker n again and wait until it is ready
  topics        create the topics of the production profile on $(bootstrap)
  reset         stop every broker and wipe var/kafka-cluster

Brokers: $(bootstrap) (controllers on 19093, 19095, 19097).
State: var/kafka-cluster/<n> (data, server.properties, kafka.log, kafka.pid), var/kafka-cluster/cluster.id.
EOF
}

take_lock() {
  mkdir -p "$VAR"
  exec 9>"$VAR/.lock"
  flock -w 300 9 || die "another kafka-cluster.sh is still running after 300 s (lock: var/kafka-cluster/.lock)"
}

valid_node() {
  [[ "${1:-}" =~ ^[1-3]$ ]] || die "expected a broker number 1, 2 or 3, got '${1:-}'"
}

libs() {
  [[ -n "${KAFKA_LIBS:-}" ]] && return 0
  KAFKA_LIBS="$(bash "$ROOT/deploy/local/infra.sh" kafka-fetch 9>&-)" || die "could not fetch the Kafka jars (deploy/local/infra.sh kafka-fetch)"
}

kafka_java() {
  java -cp "$KAFKA_LIBS/*" -Dlog4j.configuration="file:$CONF_SRC/tools-log4j.properties" "$@"
}

# Prints the pid of broker n when it runs from this checkout's config.
node_pid() {
  local n="$1" pid pidfile
  pidfile="$(node_pidfile "$n")"
  [[ -f "$pidfile" ]] || return 1
  pid="$(<"$pidfile")"
  if pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $(node_config "$n")"; then
    echo "$pid"
    return 0
  fi
  rm -f "$pidfile"
  return 1
}

write_config() {
  local n="$1" dir
  dir="$(node_dir "$n")"
  mkdir -p "$dir/data"
  {
    cat "$CONF_SRC/cluster.properties"
    printf '\n# Added by deploy/local/kafka-cluster.sh\nnode.id=%s\n' "$n"
    printf 'listeners=PLAINTEXT://%s:%s,CONTROLLER://%s:%s\n' "$HOST" "$(broker_port "$n")" "$HOST" "$(controller_port "$n")"
    printf 'advertised.listeners=PLAINTEXT://%s:%s\n' "$HOST" "$(broker_port "$n")"
    printf 'log.dirs=%s\n' "$dir/data"
  } >"$dir/server.properties"
  cp "$CONF_SRC/log4j.properties" "$dir/log4j.properties"
}

# A cluster id as StorageTool random-uuid makes one (16 random bytes, base64url without padding,
# never starting with '-'), without starting a JVM for it.
new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    [[ "$id" != -* ]] && echo "$id" && return 0
  done
}

# One cluster id for the three nodes, chosen at the first format.
format_node() {
  local n="$1" dir out
  dir="$(node_dir "$n")"
  [[ -f "$dir/data/meta.properties" ]] && return 0
  out="$dir/format.log"
  kafka_java kafka.tools.StorageTool format -t "$(<"$CLUSTER_ID_FILE")" -c "$(node_config "$n")" >"$out" 2>&1 9>&- ||
    { cat "$out" >&2; die "formatting var/kafka-cluster/$n failed (try: deploy/local/kafka-cluster.sh reset)"; }
}

fail_node() {
  local n="$1" reason="$2" log
  log="$(node_log "$n")"
  {
    printf '\n--- last lines of %s (stack frames omitted) ---\n' "${log#"$ROOT"/}"
    grep -v -E $'^\t(at |\\.\\.\\. [0-9]+ more)' "$log" 2>/dev/null | tail -n 20 || echo "(no log)"
    printf -- '---\n'
  } >&2
  die "broker $n: $reason"
}

# Checks broker n's ports are free and writes its config; formats it when it is new.
prepare_node() {
  local n="$1" p
  for p in "$(broker_port "$n")" "$(controller_port "$n")"; do
    port_open "$HOST" "$p" && die "broker $n: $HOST:$p is taken by another process ($(port_owner "$p" || echo unknown))"
  done
  write_config "$n"
  format_node "$n"
}

# Launches broker n detached; does not wait for it.
launch_node() {
  local n="$1" pidfile log
  pidfile="$(node_pidfile "$n")"
  log="$(node_log "$n")"
  [[ -f "$log" ]] && mv -f "$log" "$log.1"
  rm -f "$pidfile"
  # As infra.sh: setsid detaches the JVM from this script and the terminal; the inner shell writes
  # its pid, which exec hands to the JVM.
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" \
    java "${JVM_OPTS[@]}" -Dlog4j.configuration="file:$(node_dir "$n")/log4j.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$(node_config "$n")" </dev/null >>"$log" 2>&1 9>&- &
  local deadline=$((SECONDS + 5))
  while [[ ! -s "$pidfile" ]] && ((SECONDS < deadline)); do sleep 0.05; done
  [[ -s "$pidfile" ]] || fail_node "$n" "the launcher did not record a pid"
}

# Ready: the listener accepts connections and the broker logged that it finished starting, which
# in KRaft needs a quorum (two of three controllers) and the broker unfenced by it.
wait_node() {
  local n="$1" started="$2" pid log
  pid="$(<"$(node_pidfile "$n")")"
  log="$(node_log "$n")"
  local deadline=$((started + START_TIMEOUT))
  until port_open "$HOST" "$(broker_port "$n")" && grep -q 'Kafka Server started' "$log" 2>/dev/null; do
    pid_alive "$pid" || fail_node "$n" "exited during startup (if its data is the problem: deploy/local/kafka-cluster.sh reset)"
    ((SECONDS < deadline)) || fail_node "$n" "not ready within ${START_TIMEOUT}s (a quorum needs two of the three nodes up)"
    sleep 0.2
  done
  ok "broker $n: ready on $HOST:$(broker_port "$n") (pid $pid) after $((SECONDS - started))s"
}

start_nodes() {
  local n started=$SECONDS todo=() jobs=()
  need_java_here
  libs
  for n in "$@"; do
    if node_pid "$n" >/dev/null; then
      log "broker $n: already running (pid $(node_pid "$n"))"
    else
      todo+=("$n")
    fi
  done
  ((${#todo[@]} > 0)) || return 0
  mkdir -p "$VAR"
  [[ -s "$CLUSTER_ID_FILE" ]] || new_cluster_id >"$CLUSTER_ID_FILE"
  # Formatting starts a JVM per node: the nodes are prepared side by side.
  for n in "${todo[@]}"; do
    prepare_node "$n" &
    jobs+=($!)
  done
  local rc=0 j
  for j in "${jobs[@]}"; do wait "$j" || rc=1; done
  ((rc == 0)) || die "a broker could not be prepared (see above)"
  for n in "${todo[@]}"; do launch_node "$n"; done
  for n in "${todo[@]}"; do wait_node "$n" "$started"; done
}

need_java_here() {
  command -v java >/dev/null 2>&1 || die "Kafka needs Java 17 or newer and there is no 'java' on PATH (apt-get install -y openjdk-17-jdk-headless)"
}

stop_node() {
  local n="$1" signal="$2" pid
  if ! pid="$(node_pid "$n")"; then
    log "broker $n: not running"
    return 0
  fi
  kill "-$signal" "$pid" 2>/dev/null || true
  if [[ "$signal" == KILL ]]; then
    wait_for_pid_exit "$pid" 10 || die "broker $n: pid $pid survived SIGKILL"
    ok "broker $n: killed (pid $pid)"
  elif ! wait_for_pid_exit "$pid" "$STOP_TIMEOUT"; then
    warn "broker $n: pid $pid ignored SIGTERM for ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_for_pid_exit "$pid" 10 || die "broker $n: pid $pid survived SIGKILL"
  else
    ok "broker $n: stopped (pid $pid)"
  fi
  rm -f "$(node_pidfile "$n")"
}

# Stops the brokers together: one by one, the last two would each wait for a quorum that the
# earlier stops took away before they can shut down cleanly.
down() {
  local n pids=()
  for n in "${NODES[@]}"; do
    if node_pid "$n" >/dev/null; then
      stop_node "$n" TERM &
      pids+=($!)
    fi
  done
  local rc=0
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  ((rc == 0)) || die "a broker did not stop"
  ok "cluster stopped"
}

topics() {
  command -v node >/dev/null 2>&1 || die "creating topics needs Node.js 20 or newer"
  log "topics: creating the production profile's topics on $(bootstrap)"
  (cd "$ROOT" && KAFKA_BROKERS="$(bootstrap)" node -r @swc-node/register tools/infra/create-topics.ts --profile production 9>&-) ||
    die "topics: creating the topics on $(bootstrap) failed"
}

status() {
  local n pid all_up=0
  for n in "${NODES[@]}"; do
    printf 'broker %s  ' "$n"
    if pid="$(node_pid "$n")"; then
      if port_open "$HOST" "$(broker_port "$n")"; then
        printf 'running  %s:%s (controller :%s)  pid %s  up %s  data var/kafka-cluster/%s/data\n' \
          "$HOST" "$(broker_port "$n")" "$(controller_port "$n")" "$pid" "$(ps -o etime= -p "$pid" | tr -d ' ')" "$n"
      else
        printf 'starting  pid %s\n' "$pid"
        all_up=1
      fi
    else
      printf 'stopped  %s:%s\n' "$HOST" "$(broker_port "$n")"
      all_up=1
    fi
  done
  local listing any=0
  for n in "${NODES[@]}"; do port_open "$HOST" "$(broker_port "$n")" && any=1; done
  if ((any)); then
    libs
    if listing="$(kafka_java "$CONF_SRC/ListTopics.java" "$(bootstrap)" 2>&1)"; then
      printf 'topics    %s\n' "$([[ -z "$listing" ]] && echo 'none yet (run: kafka-cluster.sh topics)' || echo "$(wc -l <<<"$listing" | tr -d ' ') on $(bootstrap)")"
      [[ -n "$listing" ]] && awk -F'\t' '{ printf "          %-40s %3d partitions\n", $1, $2 }' <<<"$listing"
    else
      printf 'topics    (cannot list: %s)\n' "$(tail -n1 <<<"$listing")"
    fi
  fi
  return $((all_up ? 3 : 0))
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    up)
      take_lock
      local began=$SECONDS
      start_nodes "${NODES[@]}"
      topics
      ok "cluster up in $((SECONDS - began))s: $(bootstrap)"
      ;;
    down) take_lock && down ;;
    status) status ;;
    kill) valid_node "${2:-}" && take_lock && stop_node "$2" KILL ;;
    stop) valid_node "${2:-}" && take_lock && stop_node "$2" TERM ;;
    start) valid_node "${2:-}" && take_lock && start_nodes "$2" ;;
    topics) take_lock && topics ;;
    reset)
      take_lock
      down
      rm -rf "${VAR:?}"/[1-3] "$CLUSTER_ID_FILE"
      ok "cluster data wiped (var/kafka-cluster); 'up' formats a fresh cluster"
      ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
