#!/usr/bin/env bash
# Local infrastructure without Docker: a single-node KRaft Kafka run from its Maven Central jars,
# plus the machine's PostgreSQL and Redis (started, or installed from Debian packages, if needed).
# Every subcommand is idempotent. State lives under .cache/kafka/ (jars) and var/ (data, logs).
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT="$PARCHEE_ROOT"
LOG_TAG=infra

# The one pin of the broker version. 3.9 is the last Kafka line that still serves the old protocol
# versions kafkajs 2.2.4 negotiates (4.0 removed them, KIP-896) and it runs KRaft without ZooKeeper.
# deploy/compose/docker-compose.yml uses the same version as its image tag.
KAFKA_VERSION=3.9.1
KAFKA_HOST=127.0.0.1
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
KAFKA_JVM_OPTS=(-Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true)
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

KAFKA_CONF_SRC="$ROOT/deploy/local/kafka"
KAFKA_CACHE="$ROOT/.cache/kafka/$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_CACHE/libs"
KAFKA_VAR="$ROOT/var/kafka"
KAFKA_DATA="$KAFKA_VAR/data"
KAFKA_CONFIG="$KAFKA_VAR/server.properties"
KAFKA_LOG="$KAFKA_VAR/kafka.log"
KAFKA_PIDFILE="$KAFKA_VAR/kafka.pid"
export KAFKA_BROKERS="${KAFKA_BROKERS:-$KAFKA_HOST:$KAFKA_PORT}"

PG_HOST="${PGHOST:-127.0.0.1}"
PG_PORT="${PGPORT:-5432}"
PG_USER="${PGUSER:-postgres}"
PG_DATABASES=(parchee parchee_test)
REDIS_HOST=127.0.0.1
REDIS_PORT="${REDIS_PORT:-6379}"

JAVA_HINT="apt-get install -y openjdk-17-jdk-headless"
MAVEN_HINT="apt-get install -y maven"
NODE_HINT="install Node.js 20 LTS (Debian 12's nodejs package is 18, too old) with nvm or the NodeSource apt repository, then run: cd $ROOT && npm ci"

usage() {
  cat <<EOF
usage: deploy/local/infra.sh <command>

  up            PostgreSQL + Redis (start or install), databases ${PG_DATABASES[*]}, Kafka, topics
  down          stop the Kafka broker (SIGTERM, then SIGKILL after ${KAFKA_STOP_TIMEOUT}s); PostgreSQL
                and Redis are machine services and keep running
  status        what runs where; exit 0 when all three services answer, 3 otherwise
  kafka-up      fetch the Kafka $KAFKA_VERSION jars (first run only), format, start, wait until ready
  kafka-fetch   fetch the Kafka $KAFKA_VERSION jars (first run only) and print their directory (kafka-cluster.sh runs them)
  kafka-down    same as down
  kafka-reset   stop the broker and wipe its data (var/kafka); 'up' then starts a fresh one
  topics        create the topics of @parchee/contracts TOPIC_SPECS (KAFKA_BROKERS=$KAFKA_BROKERS)
  pg-up         start PostgreSQL on $PG_HOST:$PG_PORT and create the databases
  redis-up      start Redis on $REDIS_HOST:$REDIS_PORT

State: .cache/kafka/$KAFKA_VERSION/libs (jars), var/kafka (data, server.properties, kafka.log, kafka.pid).
EOF
}

# Concurrent 'up' runs (two terminals, a test script) must not start two brokers or race on
# CREATE DATABASE. Everything launched under the lock gets fd 9 closed, or it would hold it forever.
take_lock() {
  mkdir -p "$ROOT/var"
  exec 9>"$ROOT/var/infra.lock"
  flock -w 300 9 || die "another infra.sh is still running after 300 s (lock: var/infra.lock)"
}

# ---------------------------------------------------------------------------------------------
# Prerequisites: say what to install instead of failing somewhere deeper with a stack trace.

java_major() {
  java -version 2>&1 | awk -F'"' '/version/ { print $2; exit }' | awk -F. '{ print ($1 == "1") ? $2 : $1 }'
}

need_java() {
  command -v java >/dev/null 2>&1 ||
    die "Kafka needs Java 17 or newer and there is no 'java' on PATH. Install it with: $JAVA_HINT"
  local major
  major="$(java_major)"
  if [[ ! "$major" =~ ^[0-9]+$ ]] || ((major < 17)); then
    die "Kafka needs Java 17 or newer, but 'java' on PATH ($(command -v java)) is version '${major:-unknown}'. Install it with: $JAVA_HINT (then: update-alternatives --config java)"
  fi
}

need_maven() {
  command -v mvn >/dev/null 2>&1 ||
    die "Maven is needed once, to fetch the Kafka $KAFKA_VERSION jars from Maven Central, and there is no 'mvn' on PATH. Install it with: $MAVEN_HINT"
}

need_node() {
  command -v node >/dev/null 2>&1 ||
    die "creating topics needs Node.js 20 or newer and there is no 'node' on PATH; $NODE_HINT"
  local v
  v="$(node -p 'process.versions.node' 2>/dev/null || true)"
  version_ge "${v:-0}" 20 ||
    die "creating topics needs Node.js 20 or newer, but 'node' on PATH ($(command -v node)) is ${v:-unknown}; $NODE_HINT"
  [[ -d "$ROOT/node_modules/@swc-node/register" && -d "$ROOT/node_modules/kafkajs" ]] ||
    die "node_modules is missing or incomplete. Run: (cd $ROOT && npm ci)"
}

# Installs Debian packages for a service that is absent; only root with apt-get can do that here.
apt_install() {
  if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    die "$* is not installed. Install it with: sudo apt-get update && sudo apt-get install -y $*"
  fi
  local out="$ROOT/var/apt-install.log"
  log "installing $* from Debian packages (log: var/apt-install.log)"
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"; } >"$out" 2>&1 9>&-; then
    tail -n 15 "$out" >&2
    die "apt-get install -y $* failed (full log: $out)"
  fi
}

# ---------------------------------------------------------------------------------------------
# Kafka

kafka_jars_present() {
  [[ -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" && -f "$KAFKA_LIBS/kafka-clients-$KAFKA_VERSION.jar" &&
    -f "$KAFKA_LIBS/kafka-server-$KAFKA_VERSION.jar" && -n "$(compgen -G "$KAFKA_LIBS/slf4j-reload4j-*.jar")" ]]
}

kafka_fetch() {
  kafka_jars_present && return 0
  need_maven
  local started=$SECONDS partial="$KAFKA_CACHE/libs.partial" out="$KAFKA_CACHE/fetch.log"
  log "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central (first run only)"
  mkdir -p "$KAFKA_CACHE"
  rm -rf "$partial"
  # The pom is copied so Maven's scratch files land in the cache, not in the source tree.
  cp "$KAFKA_CONF_SRC/pom.xml" "$KAFKA_CACHE/pom.xml"
  if ! (cd "$KAFKA_CACHE" && mvn -q -B -Dkafka.version="$KAFKA_VERSION" dependency:copy-dependencies \
    -DoutputDirectory="$partial" -DincludeScope=runtime) >"$out" 2>&1 9>&-; then
    tail -n 20 "$out" >&2
    die "Maven could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION (full log: $out). Maven Central must be reachable (or mirrored in ~/.m2/settings.xml)."
  fi
  rm -rf "$KAFKA_LIBS"
  mv "$partial" "$KAFKA_LIBS"
  kafka_jars_present || die "Maven finished but $KAFKA_LIBS lacks the Kafka jars (log: $out)"
  ok "fetched $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars into .cache/kafka/$KAFKA_VERSION/libs in $((SECONDS - started))s"
}

# Prints the pid of this checkout's broker: the one in the pid file, or one found on the port whose
# command line names this checkout's config (the pid file may have been deleted under it).
kafka_pid() {
  local pid cmd
  if [[ -f "$KAFKA_PIDFILE" ]]; then
    pid="$(<"$KAFKA_PIDFILE")"
    if pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $KAFKA_CONFIG"; then
      echo "$pid"
      return 0
    fi
    rm -f "$KAFKA_PIDFILE"
  fi
  read -r pid cmd < <(port_owner "$KAFKA_PORT" || true) || true
  if [[ -n "${pid:-}" && "${cmd:-}" == *"kafka.Kafka $KAFKA_CONFIG"* ]]; then
    echo "$pid" >"$KAFKA_PIDFILE"
    echo "$pid"
    return 0
  fi
  return 1
}

# The broker's config as this checkout's deploy/local/kafka/server.properties makes it.
kafka_config_text() {
  cat "$KAFKA_CONF_SRC/server.properties"
  printf '\n# Added by deploy/local/infra.sh\nlog.dirs=%s\n' "$KAFKA_DATA"
}

kafka_write_config() {
  mkdir -p "$KAFKA_DATA"
  kafka_config_text >"$KAFKA_CONFIG"
  cp "$KAFKA_CONF_SRC/log4j.properties" "$KAFKA_VAR/log4j.properties"
}

# True when the running broker was started from another server.properties than the checkout's
# now (a pull changed it): the broker reads its config only at start.
kafka_config_stale() {
  [[ -f "$KAFKA_CONFIG" ]] && ! cmp -s <(kafka_config_text) "$KAFKA_CONFIG"
}

kafka_java() {
  java -cp "$KAFKA_LIBS/*" -Dlog4j.configuration="file:$KAFKA_CONF_SRC/tools-log4j.properties" "$@"
}

kafka_format() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  local cluster_id out="$KAFKA_VAR/format.log"
  cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid 2>"$out" 9>&-)" ||
    { cat "$out" >&2; die "kafka.tools.StorageTool random-uuid failed"; }
  if ! kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_CONFIG" >"$out" 2>&1 9>&-; then
    cat "$out" >&2
    die "formatting the KRaft storage in var/kafka/data failed (try: deploy/local/infra.sh kafka-reset)"
  fi
  echo "$cluster_id" >"$KAFKA_VAR/cluster.id"
  log "formatted KRaft storage (cluster id $cluster_id)"
}

# Shows the end of the broker log without Java stack frames, then its last error lines, where the
# cause a person needs sits ("Socket server failed to bind to 127.0.0.1:9093: Address already in use").
kafka_fail() {
  local reason="$1" cause
  {
    printf '\n--- last lines of %s (stack frames omitted) ---\n' "${KAFKA_LOG#"$ROOT"/}"
    grep -v -E $'^\t(at |\\.\\.\\. [0-9]+ more)' "$KAFKA_LOG" 2>/dev/null | tail -n 25 || echo "(no log)"
    printf -- '---\n'
  } >&2
  cause="$(grep -E '^Caused by: | (ERROR|FATAL) |^([A-Za-z_$][A-Za-z0-9_$]*\.)+[A-Za-z0-9_$]*(Exception|Error)(: |$)' "$KAFKA_LOG" 2>/dev/null | tail -n 4 | sed 's/^/  /')"
  die "$reason${cause:+; last errors in the log:
$cause}"
}

kafka_up() {
  local pid owner
  if pid="$(kafka_pid)" && kafka_config_stale; then
    # E.g. group.min.session.timeout.ms lowered for the services' 3 s sessions: a broker still on
    # the old floor refuses every consumer's join (INVALID_SESSION_TIMEOUT).
    warn "kafka: the running broker (pid $pid) was started with an older deploy/local/kafka/server.properties; restarting it with the current one"
    kafka_down
  fi
  if pid="$(kafka_pid)"; then
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      ok "kafka: already running (pid $pid, $KAFKA_HOST:$KAFKA_PORT)"
      return 0
    fi
    log "kafka: pid $pid is still starting; waiting"
    kafka_wait_ready "$pid"
    return 0
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    owner="$(port_owner "$KAFKA_PORT" || echo "unknown process")"
    warn "kafka: $KAFKA_HOST:$KAFKA_PORT is already served by another process ($owner); not starting a second broker, using that one"
    return 0
  fi

  if port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then
    die "kafka: the controller port $KAFKA_HOST:$KAFKA_CONTROLLER_PORT is taken by another process ($(port_owner "$KAFKA_CONTROLLER_PORT" || echo unknown)); stop it first"
  fi

  need_java
  kafka_fetch
  mkdir -p "$KAFKA_VAR"
  kafka_write_config
  kafka_format
  [[ -f "$KAFKA_LOG" ]] && mv -f "$KAFKA_LOG" "$KAFKA_LOG.1"

  log "kafka: starting $KAFKA_VERSION on $KAFKA_HOST:$KAFKA_PORT (heap 256-512 MB)"
  rm -f "$KAFKA_PIDFILE"
  # setsid: the broker outlives this script and ignores the terminal's Ctrl-C. The inner shell
  # records its own pid, which exec hands over to the JVM.
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$KAFKA_PIDFILE" \
    java "${KAFKA_JVM_OPTS[@]}" -Dlog4j.configuration="file:$KAFKA_VAR/log4j.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONFIG" </dev/null >>"$KAFKA_LOG" 2>&1 9>&- &
  local deadline=$((SECONDS + 5))
  while [[ ! -s "$KAFKA_PIDFILE" ]] && ((SECONDS < deadline)); do sleep 0.05; done
  [[ -s "$KAFKA_PIDFILE" ]] || kafka_fail "kafka: the launcher did not record a pid"
  kafka_wait_ready "$(<"$KAFKA_PIDFILE")"
}

# Ready = the listener accepts connections and the server logged that startup finished (the
# controller has elected itself and the broker is unfenced). 'topics' then proves metadata.
kafka_wait_ready() {
  local pid="$1" started=$SECONDS rc=0
  wait_for_port "$KAFKA_HOST" "$KAFKA_PORT" "$KAFKA_START_TIMEOUT" "$pid" || rc=$?
  case $rc in
    0) ;;
    2) kafka_fail "kafka: the broker (pid $pid) exited during startup (if its data in var/kafka/data is the problem: deploy/local/infra.sh kafka-reset)" ;;
    *) kafka_fail "kafka: $KAFKA_HOST:$KAFKA_PORT did not accept connections within ${KAFKA_START_TIMEOUT}s (pid $pid still running; stop it with: deploy/local/infra.sh down)" ;;
  esac
  local deadline=$((started + KAFKA_START_TIMEOUT))
  until grep -q 'Kafka Server started' "$KAFKA_LOG" 2>/dev/null; do
    pid_alive "$pid" || kafka_fail "kafka: the broker (pid $pid) exited during startup"
    ((SECONDS < deadline)) || kafka_fail "kafka: the broker did not finish starting within ${KAFKA_START_TIMEOUT}s"
    sleep 0.2
  done
  ok "kafka: ready on $KAFKA_HOST:$KAFKA_PORT (pid $pid) after $((SECONDS - started))s"
}

kafka_down() {
  local pid
  if ! pid="$(kafka_pid)"; then
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      warn "kafka: $KAFKA_HOST:$KAFKA_PORT is served by a process this checkout did not start ($(port_owner "$KAFKA_PORT" || echo unknown)); leaving it alone"
    else
      log "kafka: not running"
    fi
    return 0
  fi
  log "kafka: stopping pid $pid (SIGTERM, up to ${KAFKA_STOP_TIMEOUT}s)"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_for_pid_exit "$pid" "$KAFKA_STOP_TIMEOUT"; then
    warn "kafka: pid $pid ignored SIGTERM for ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_for_pid_exit "$pid" 10 || die "kafka: pid $pid survived SIGKILL"
  fi
  rm -f "$KAFKA_PIDFILE"
  ok "kafka: stopped"
}

kafka_reset() {
  kafka_down
  rm -rf "$KAFKA_DATA" "$KAFKA_VAR/cluster.id" "$KAFKA_LOG" "$KAFKA_LOG.1" "$KAFKA_VAR/format.log"
  ok "kafka: data wiped (var/kafka/data); 'deploy/local/infra.sh up' starts a fresh broker"
}

topics() {
  need_node
  log "topics: ensuring TOPIC_SPECS on $KAFKA_BROKERS"
  (cd "$ROOT" && node -r @swc-node/register tools/infra/create-topics.ts 9>&-) ||
    die "topics: creating the topics on $KAFKA_BROKERS failed (is the broker up? deploy/local/infra.sh status)"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

pg_psql() {
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -w -X -q -v ON_ERROR_STOP=1 -d postgres "$@"
}

pg_accepting() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 1
  else
    port_open "$PG_HOST" "$PG_PORT"
  fi
}

# Prints "version cluster" of the Debian cluster configured for PG_PORT.
pg_cluster_for_port() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 1
  pg_lsclusters -h 2>/dev/null | awk -v port="$PG_PORT" '$3 == port { print $1, $2; found = 1; exit } END { exit !found }'
}

# Only for a cluster this script has just installed: the tests connect over TCP as postgres with
# no password, which Debian's default pg_hba.conf (scram-sha-256) refuses.
pg_trust_loopback() {
  local ver="$1" cluster="$2" hba="/etc/postgresql/$1/$2/pg_hba.conf"
  [[ -f "$hba" ]] || return 0
  sed -i '1i # Added by parchee deploy/local/infra.sh: passwordless TCP from this machine (development only).\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  log "postgres: trust auth for 127.0.0.1 and ::1 added to $hba"
  # The package's own post-install may already have started the cluster.
  pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" reload >/dev/null 2>&1 9>&- || true
}

pg_up() {
  local ver cluster installed=0
  if ! pg_accepting; then
    if ! read -r ver cluster < <(pg_cluster_for_port); then
      if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ -z "$(ls /etc/postgresql 2>/dev/null)" ]]; then
        apt_install postgresql
        installed=1
      fi
      read -r ver cluster < <(pg_cluster_for_port) ||
        die "postgres: nothing listens on $PG_HOST:$PG_PORT and no cluster is configured for port $PG_PORT ($(pg_lsclusters -h 2>/dev/null | awk '{printf "%s/%s on %s; ", $1, $2, $3}'))"
    fi
    ((installed)) && pg_trust_loopback "$ver" "$cluster"
    log "postgres: starting cluster $ver/$cluster"
    pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" start 9>&- >&2 ||
      pg_accepting || die "postgres: pg_ctlcluster $ver $cluster start failed (see /var/log/postgresql/postgresql-$ver-$cluster.log)"
    local deadline=$((SECONDS + 30))
    until pg_accepting; do
      ((SECONDS < deadline)) || die "postgres: $PG_HOST:$PG_PORT not accepting connections 30 s after start (see /var/log/postgresql/postgresql-$ver-$cluster.log)"
      sleep 0.2
    done
  fi
  command -v psql >/dev/null 2>&1 || die "postgres runs on $PG_HOST:$PG_PORT but 'psql' is missing. Install it with: apt-get install -y postgresql-client"
  local err hba="pg_hba.conf" reload="reload PostgreSQL"
  if ! err="$(pg_psql -tAc 'select 1' 2>&1 >/dev/null)"; then
    if read -r ver cluster < <(pg_cluster_for_port); then
      hba="/etc/postgresql/$ver/$cluster/pg_hba.conf" reload="pg_ctlcluster --skip-systemctl-redirect $ver $cluster reload"
    fi
    die "postgres: cannot connect to $PG_HOST:$PG_PORT as $PG_USER without a password: ${err#psql: error: }
The tests expect trust auth over loopback TCP: put 'host all all 127.0.0.1/32 trust' first in $hba, then run: $reload"
  fi
  local db
  for db in "${PG_DATABASES[@]}"; do
    if [[ "$(pg_psql -tAc "select 1 from pg_database where datname = '$db'")" != 1 ]]; then
      pg_psql -c "create database \"$db\"" || die "postgres: create database $db failed"
      log "postgres: created database $db"
    fi
  done
  ok "postgres: ready on $PG_HOST:$PG_PORT (databases: ${PG_DATABASES[*]})"
}

# ---------------------------------------------------------------------------------------------
# Redis

redis_ping() {
  if command -v redis-cli >/dev/null 2>&1; then
    [[ "$(timeout 2 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
  else
    # shellcheck disable=SC2016
    timeout 2 bash -c 'exec 3<>/dev/tcp/$0/$1 && printf "PING\r\n" >&3 && read -r reply <&3 && [[ "$reply" == +PONG* ]]' \
      "$REDIS_HOST" "$REDIS_PORT" 2>/dev/null
  fi
}

redis_up() {
  if ! redis_ping; then
    if port_open "$REDIS_HOST" "$REDIS_PORT"; then
      die "redis: $REDIS_HOST:$REDIS_PORT accepts connections but does not answer PING (password set? another server on that port? $(port_owner "$REDIS_PORT" || true))"
    fi
    command -v redis-server >/dev/null 2>&1 || apt_install redis-server
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    log "redis: starting on $REDIS_HOST:$REDIS_PORT"
    # Same flags the machine image uses: loopback only, nothing persisted.
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log 9>&- >&2 ||
      die "redis: redis-server failed to start (see /var/log/redis/ci.log)"
    local deadline=$((SECONDS + 15))
    until redis_ping; do
      ((SECONDS < deadline)) || die "redis: no PONG from $REDIS_HOST:$REDIS_PORT 15 s after start (see /var/log/redis/ci.log)"
      sleep 0.2
    done
  fi
  ok "redis: ready on $REDIS_HOST:$REDIS_PORT"
}

# ---------------------------------------------------------------------------------------------
# Status

status() {
  local all_up=0 pid owner version
  printf '%-9s' kafka
  if pid="$(kafka_pid)"; then
    version="$(tr '\0' '\n' <"/proc/$pid/cmdline" | grep -o 'cache/kafka/[^/]*/libs' | head -n1 | cut -d/ -f3)"
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      printf 'running  %s:%s (controller :%s)  Kafka %s  pid %s  up %s  data var/kafka/data  log var/kafka/kafka.log\n' \
        "$KAFKA_HOST" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "${version:-?}" "$pid" "$(ps -o etime= -p "$pid" | tr -d ' ')"
    else
      printf 'starting  pid %s, %s:%s not accepting yet\n' "$pid" "$KAFKA_HOST" "$KAFKA_PORT"
      all_up=1
    fi
  elif port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    owner="$(port_owner "$KAFKA_PORT" || echo "unknown process")"
    printf 'external %s:%s served by a process this checkout did not start (%s)\n' "$KAFKA_HOST" "$KAFKA_PORT" "$owner"
  else
    printf 'stopped  (jars %s, pinned %s)\n' "$(kafka_jars_present && echo cached || echo 'not fetched yet')" "$KAFKA_VERSION"
    all_up=1
  fi

  printf '%-9s' postgres
  if pg_accepting; then
    local pgver dbs in_list
    in_list="$(printf "'%s'," "${PG_DATABASES[@]}")"
    pgver="$(pg_psql -tAc 'show server_version' 2>/dev/null | cut -d' ' -f1)"
    dbs="$(pg_psql -tAc "select string_agg(datname, ', ' order by datname) from pg_database where datname in (${in_list%,})" 2>/dev/null)"
    printf 'running  %s:%s  PostgreSQL %s  databases: %s\n' "$PG_HOST" "$PG_PORT" "${pgver:-?}" "${dbs:-none of ${PG_DATABASES[*]} (run: infra.sh pg-up)}"
  else
    printf 'stopped  %s:%s\n' "$PG_HOST" "$PG_PORT"
    all_up=1
  fi

  printf '%-9s' redis
  if redis_ping; then
    local rver=''
    command -v redis-cli >/dev/null 2>&1 &&
      rver="$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" info server 2>/dev/null | tr -d '\r' | awk -F: '/^redis_version:/ { print $2 }')"
    printf 'running  %s:%s  Redis %s\n' "$REDIS_HOST" "$REDIS_PORT" "${rver:-?}"
  else
    printf 'stopped  %s:%s\n' "$REDIS_HOST" "$REDIS_PORT"
    all_up=1
  fi

  printf '%-9s' topics
  if ! port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    printf '(broker not running)\n'
  elif ! kafka_jars_present || ! command -v java >/dev/null 2>&1; then
    printf '(listing needs java and the cached Kafka jars)\n'
  else
    local listing
    # ListTopics.java runs through the JDK's source launcher (a JRE alone lacks the compiler).
    if listing="$(kafka_java "$KAFKA_CONF_SRC/ListTopics.java" "$KAFKA_BROKERS" 2>&1)"; then
      if [[ -z "$listing" ]]; then
        printf 'none yet (run: infra.sh topics)\n'
      else
        printf '%s\n' "$(wc -l <<<"$listing" | tr -d ' ') on $KAFKA_BROKERS"
        awk -F'\t' '{ printf "           %-40s %3d partitions\n", $1, $2 }' <<<"$listing"
      fi
    else
      printf '(cannot list: %s)\n' "$(tail -n1 <<<"$listing")"
    fi
  fi
  return $((all_up ? 3 : 0))
}

# ---------------------------------------------------------------------------------------------

main() {
  local cmd="${1:-}"
  case "$cmd" in
    up)
      take_lock
      local started=$SECONDS
      need_node
      pg_up
      redis_up
      kafka_up
      topics
      ok "infrastructure up in $((SECONDS - started))s"
      ;;
    down | kafka-down) take_lock && kafka_down ;;
    status) status ;;
    kafka-up) take_lock && kafka_up ;;
    # Prints where the jars are, so kafka-cluster.sh runs the same pinned version.
    kafka-fetch) take_lock && need_java && kafka_fetch && echo "$KAFKA_LIBS" ;;
    kafka-reset) take_lock && kafka_reset ;;
    topics) take_lock && topics ;;
    pg-up) take_lock && pg_up ;;
    redis-up) take_lock && redis_up ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
