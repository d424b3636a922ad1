#!/usr/bin/env bash
# A streaming hot standby of the machine's PostgreSQL, as a second cluster on this machine: what
# lookup's roll reads go to when PARCHEE_DATABASE_READ_REPLICAS names it, and what the replica
# int-specs read from. Made with `pg_basebackup -R` into var/pg-standby, run with pg_ctl (as the
# postgres user when this runs as root: pg_ctl refuses root). Every subcommand is idempotent; `up`
# on a running, streaming standby returns in well under a second.
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT="$PARCHEE_ROOT"
LOG_TAG=pg-standby

PRIMARY_HOST="${PGHOST:-127.0.0.1}"
PRIMARY_PORT="${PGPORT:-5432}"
PG_USER="${PGUSER:-postgres}"
STANDBY_HOST=127.0.0.1
STANDBY_PORT="${PG_STANDBY_PORT:-5433}"
STANDBY_NAME=parchee-standby
DATA="$ROOT/var/pg-standby"
LOGFILE="$ROOT/var/pg-standby.log"
START_TIMEOUT="${PG_STANDBY_START_TIMEOUT:-60}"
# A standby that is up but not streaming after this long is rebuilt (its WAL is gone from the primary).
STREAM_TIMEOUT="${PG_STANDBY_STREAM_TIMEOUT:-15}"
HBA_MARK='# Added by parchee deploy/local/pg-standby.sh'

usage() {
  cat <<EOF
usage: deploy/local/pg-standby.sh <command>

  up       make (pg_basebackup, first run or when the standby fell too far behind) and start a hot
           standby of $PRIMARY_HOST:$PRIMARY_PORT on $STANDBY_HOST:$STANDBY_PORT; resumes a paused replay
  down     stop it (its data stays: the next 'up' only starts it)
  reset    stop it and delete var/pg-standby: the next 'up' makes a fresh copy
  status   running or not, streaming, replay paused or not, lag; exit 0 when streaming, 3 otherwise
  pause    pause WAL replay (pg_wal_replay_pause): the standby keeps receiving but shows nothing new
  resume   resume WAL replay
  url      print postgres://$PG_USER@$STANDBY_HOST:$STANDBY_PORT/<database> for a database (default parchee)

State: var/pg-standby (data directory), var/pg-standby.log (server log).
Env: PGHOST, PGPORT, PGUSER (the primary; default 127.0.0.1:5432, postgres), PG_STANDBY_PORT (5433).
EOF
}

take_lock() {
  mkdir -p "$ROOT/var"
  exec 9>"$ROOT/var/pg-standby.lock"
  flock -w 300 9 || die "another pg-standby.sh is still running after 300 s (lock: var/pg-standby.lock)"
}

primary_psql() {
  psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PG_USER" -w -X -q -v ON_ERROR_STOP=1 -d postgres -tA "$@"
}

standby_psql() {
  psql -h "$STANDBY_HOST" -p "$STANDBY_PORT" -U "$PG_USER" -w -X -q -v ON_ERROR_STOP=1 -d postgres -tA "$@"
}

standby_accepting() {
  pg_isready -q -h "$STANDBY_HOST" -p "$STANDBY_PORT" -t 1
}

# The user that runs the standby: pg_ctl and postgres refuse to run as root, so root hands them to
# the postgres account the Debian package created; anyone else runs it as themselves.
RUN_AS=""
run_as_owner() {
  if [[ -n "$RUN_AS" ]]; then
    runuser -u "$RUN_AS" -- "$@"
  else
    "$@"
  fi
}

pick_owner() {
  if [[ $EUID -eq 0 ]]; then
    id -u postgres >/dev/null 2>&1 || die "running as root, and pg_ctl refuses root; there is no 'postgres' user to run the standby as"
    RUN_AS=postgres
    runuser -u postgres -- test -x "$ROOT/var" ||
      die "the postgres user cannot reach $ROOT/var (a parent directory is closed to it); run this as another user, or open the path (chmod o+x)"
  fi
}

PG_BIN=""
find_bin() {
  local major
  major="$(primary_psql -c 'show server_version_num')" || die "cannot reach the primary at $PRIMARY_HOST:$PRIMARY_PORT (run: deploy/local/infra.sh pg-up)"
  major=$((major / 10000))
  PG_BIN="/usr/lib/postgresql/$major/bin"
  [[ -x "$PG_BIN/pg_ctl" ]] || PG_BIN="$(pg_config --bindir 2>/dev/null || true)"
  [[ -x "$PG_BIN/pg_ctl" && -x "$PG_BIN/pg_basebackup" ]] ||
    die "pg_ctl and pg_basebackup of PostgreSQL $major are needed (Debian: apt-get install -y postgresql-$major)"
}

# The primary must take a replication connection from this machine. Debian's defaults already have
# wal_level=replica and max_wal_senders=10; what a fresh install lacks is a pg_hba.conf line that
# trusts loopback replication (its 'host all' lines do not match the replication pseudo-database).
ensure_primary_replicates() {
  local wal_level senders
  wal_level="$(primary_psql -c 'show wal_level')"
  senders="$(primary_psql -c 'show max_wal_senders')"
  if [[ "$wal_level" == minimal ]] || ((senders < 2)); then
    die "the primary has wal_level=$wal_level and max_wal_senders=$senders; a standby needs wal_level=replica and at least 2 senders.
Run: psql -h $PRIMARY_HOST -p $PRIMARY_PORT -U $PG_USER -c \"ALTER SYSTEM SET wal_level = replica\" -c \"ALTER SYSTEM SET max_wal_senders = 10\"
then restart the primary (e.g. pg_ctlcluster --skip-systemctl-redirect <version> <cluster> restart); this script never restarts it"
  fi
  if replication_allowed; then return 0; fi
  local hba
  hba="$(primary_psql -c 'show hba_file')"
  [[ -w "$hba" ]] || die "the primary refuses replication connections from $PRIMARY_HOST and $hba is not writable here; add this line first in it and reload PostgreSQL:
host replication all $PRIMARY_HOST/32 trust"
  if ! grep -qF "$HBA_MARK" "$hba"; then
    sed -i "1i $HBA_MARK: streaming replication to a local hot standby (development only).\nhost replication all 127.0.0.1/32 trust" "$hba"
    log "primary: added 'host replication all 127.0.0.1/32 trust' to $hba"
  fi
  primary_psql -c 'select pg_reload_conf()' >/dev/null
  local deadline=$((SECONDS + 5))
  until replication_allowed; do
    ((SECONDS < deadline)) || die "the primary still refuses replication connections after reloading $hba"
    sleep 0.2
  done
  ok "primary: reloaded; it now takes replication connections from 127.0.0.1"
}

replication_allowed() {
  psql "host=$PRIMARY_HOST port=$PRIMARY_PORT user=$PG_USER replication=true" -w -X -q -tA -c 'IDENTIFY_SYSTEM' >/dev/null 2>&1
}

standby_pid() {
  local pid
  [[ -f "$DATA/postmaster.pid" ]] || return 1
  pid="$(head -n1 "$DATA/postmaster.pid")"
  pid_alive "$pid" || return 1
  echo "$pid"
}

# What the standby's own configuration says. The primary's postgresql.conf is not in its data
# directory on Debian (it lives in /etc), so the copy gets one of its own. A hot standby refuses to
# run with fewer connections, worker processes, senders, prepared transactions or locks than the
# primary, so those are the primary's current values.
write_config() {
  local setting lines=()
  for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
    lines+=("$setting = $(primary_psql -c "show $setting")")
  done
  {
    printf '# Written by deploy/local/pg-standby.sh on every start; edits are lost.\n'
    printf "port = %s\nlisten_addresses = '%s'\nunix_socket_directories = ''\n" "$STANDBY_PORT" "$STANDBY_HOST"
    printf "cluster_name = '%s'\nhot_standby = on\nshared_buffers = 128MB\n" "$STANDBY_NAME"
    # The replay position reaches the primary every second, so its pg_stat_replication is current.
    printf 'wal_receiver_status_interval = 1s\n'
    printf "log_line_prefix = '%%m [%%p] '\ndatestyle = 'iso, mdy'\ntimezone = 'Etc/UTC'\n"
    printf '%s\n' "${lines[@]}"
  } >"$DATA/postgresql.conf"
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$DATA/pg_hba.conf"
  : >"$DATA/pg_ident.conf"
  [[ -z "$RUN_AS" ]] || chown "$RUN_AS:" "$DATA/postgresql.conf" "$DATA/pg_hba.conf" "$DATA/pg_ident.conf"
}

base_backup() {
  local partial="$DATA.partial" started=$SECONDS out="$ROOT/var/pg-standby-basebackup.log"
  rm -rf "$partial" "$DATA"
  mkdir -m 700 "$partial"
  [[ -z "$RUN_AS" ]] || chown "$RUN_AS:" "$partial"
  log "copying $PRIMARY_HOST:$PRIMARY_PORT with pg_basebackup -R into var/pg-standby"
  # --checkpoint=fast: the default spread checkpoint can take minutes on an idle server.
  if ! run_as_owner "$PG_BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PG_USER" -w -D "$partial" \
    -R -X stream --checkpoint=fast -d "application_name=$STANDBY_NAME" >"$out" 2>&1 9>&-; then
    tail -n 10 "$out" >&2
    die "pg_basebackup failed (log: $out)"
  fi
  # The copy of a Debian cluster carries the primary's log and pid leftovers; nothing else to drop.
  rm -f "$partial/postmaster.pid" "$partial/postmaster.opts"
  mv "$partial" "$DATA"
  ok "copied in $((SECONDS - started))s ($(du -sh "$DATA" | cut -f1))"
}

close_inherited_fds() {
  local fd
  for fd in /proc/"$BASHPID"/fd/*; do
    fd="${fd##*/}"
    if ((fd > 2)); then eval "exec $fd>&-"; fi
  done
}

start_standby() {
  write_config
  if [[ ! -f "$LOGFILE" ]]; then : >"$LOGFILE"; fi
  [[ -z "$RUN_AS" ]] || chown "$RUN_AS:" "$LOGFILE"
  log "starting the standby on $STANDBY_HOST:$STANDBY_PORT"
  local cmd=("$PG_BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t "$START_TIMEOUT" start)
  [[ -z "$RUN_AS" ]] || cmd=(runuser -u "$RUN_AS" -- "${cmd[@]}")
  # setsid: the server outlives this script and the test run that called it, as the broker does.
  # Every inherited descriptor is closed first, not only our own lock: run under
  # `flock /tmp/parchee-e2e.lock ...`, the server would otherwise hold that lock for as long as it runs.
  if ! (close_inherited_fds && exec setsid -w "${cmd[@]}") </dev/null >/dev/null 2>&1; then
    tail -n 15 "$LOGFILE" >&2
    return 1
  fi
}

# True once the standby's WAL receiver streams from the primary. False after STREAM_TIMEOUT, or
# at once when the log says the WAL it needs is gone (no replication slot keeps it: a standby left
# stopped must not make the machine's PostgreSQL keep WAL forever).
wait_streaming() {
  local deadline=$((SECONDS + STREAM_TIMEOUT)) mark="$1"
  while ((SECONDS < deadline)); do
    [[ "$(standby_psql -c "select count(*) from pg_stat_wal_receiver where status = 'streaming'" 2>/dev/null)" == 1 ]] && return 0
    tail -c +"$mark" "$LOGFILE" 2>/dev/null | grep -q 'has already been removed' && return 1
    sleep 0.2
  done
  return 1
}

stop_standby() {
  standby_pid >/dev/null || return 0
  run_as_owner "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null 9>&- || die "pg_ctl stop failed (log: $LOGFILE)"
}

# A standby on the port this checkout did not start: fine when it is a hot standby of the same
# primary (another checkout's), refused otherwise.
foreign_standby_ok() {
  local ours theirs recovering
  ours="$(primary_psql -c 'select system_identifier from pg_control_system()')"
  theirs="$(standby_psql -c 'select system_identifier from pg_control_system()' 2>/dev/null || true)"
  recovering="$(standby_psql -c 'select pg_is_in_recovery()' 2>/dev/null || true)"
  [[ -n "$theirs" && "$theirs" == "$ours" && "$recovering" == t ]]
}

resume_if_paused() {
  if [[ "$(standby_psql -c 'select pg_is_wal_replay_paused()')" == t ]]; then
    standby_psql -c 'select pg_wal_replay_resume()' >/dev/null
    log "replay was paused (a test that stopped early?); resumed"
  fi
}

up() {
  take_lock
  require_cmd psql "apt-get install -y postgresql-client"
  pick_owner
  find_bin
  if ! standby_pid >/dev/null && standby_accepting; then
    foreign_standby_ok || die "$STANDBY_HOST:$STANDBY_PORT is taken by something that is not a hot standby of $PRIMARY_HOST:$PRIMARY_PORT ($(port_owner "$STANDBY_PORT" || echo unknown)); set PG_STANDBY_PORT"
    resume_if_paused
    # Its log is not ours to read: only the receiver's state says whether it still follows the primary
    # (one whose checkout was deleted under it does not).
    wait_streaming "$(($(stat -c %s "$LOGFILE" 2>/dev/null || echo 0) + 1))" ||
      die "$STANDBY_HOST:$STANDBY_PORT is a standby of this primary started elsewhere, but it does not stream from it; stop it ($(port_owner "$STANDBY_PORT" || echo unknown)) or set PG_STANDBY_PORT"
    warn "$STANDBY_HOST:$STANDBY_PORT is a standby of this primary started elsewhere (another checkout); using it"
    return 0
  fi
  ensure_primary_replicates
  if standby_pid >/dev/null && standby_accepting; then
    resume_if_paused
    if wait_streaming "$(($(stat -c %s "$LOGFILE" 2>/dev/null || echo 0) + 1))"; then
      ok "running on $STANDBY_HOST:$STANDBY_PORT, streaming from $PRIMARY_HOST:$PRIMARY_PORT"
      return 0
    fi
    warn "running but not streaming from the primary; making a fresh copy"
    stop_standby
    rm -rf "$DATA"
  fi
  local attempt mark
  for attempt in 1 2; do
    [[ -f "$DATA/PG_VERSION" && -f "$DATA/standby.signal" ]] || base_backup
    mark=$(($(stat -c %s "$LOGFILE" 2>/dev/null || echo 0) + 1))
    if start_standby && wait_streaming "$mark"; then
      resume_if_paused
      ok "running on $STANDBY_HOST:$STANDBY_PORT, streaming from $PRIMARY_HOST:$PRIMARY_PORT (log: var/pg-standby.log)"
      return 0
    fi
    ((attempt == 1)) || break
    warn "the standby in var/pg-standby could not start or catch up (its WAL may be gone from the primary); making a fresh copy"
    stop_standby
    rm -rf "$DATA"
  done
  die "the standby did not start streaming (log: $LOGFILE)"
}

down() {
  take_lock
  pick_owner
  if ! standby_pid >/dev/null; then
    log "not running"
    return 0
  fi
  find_bin
  stop_standby
  ok "stopped (data kept in var/pg-standby)"
}

reset() {
  down
  rm -rf "$DATA" "$DATA.partial"
  ok "var/pg-standby deleted; 'up' makes a fresh copy"
}

status() {
  if ! standby_accepting; then
    printf 'stopped  %s:%s%s\n' "$STANDBY_HOST" "$STANDBY_PORT" "$([[ -f "$DATA/PG_VERSION" ]] && echo '  (data in var/pg-standby)')"
    return 3
  fi
  local row
  row="$(standby_psql -F ' ' -c "select coalesce((select status from pg_stat_wal_receiver), 'not receiving'),
      pg_is_wal_replay_paused(), coalesce(pg_last_wal_replay_lsn()::text, '-'), coalesce(pg_last_wal_receive_lsn()::text, '-')")"
  local receiver paused replay received lag=''
  read -r receiver paused replay received <<<"$row"
  if [[ "$replay" != - ]]; then
    lag="$(primary_psql -c "select pg_wal_lsn_diff(pg_current_wal_lsn(), '$replay')" 2>/dev/null || echo '?')"
  fi
  printf 'running  %s:%s  receiver %s  replay %s%s  received %s  behind the primary by %s bytes\n' \
    "$STANDBY_HOST" "$STANDBY_PORT" "$receiver" "$replay" "$([[ "$paused" == t ]] && echo ' (PAUSED)')" "$received" "${lag:-?}"
  [[ "$receiver" == streaming ]] || return 3
}

pause() {
  standby_accepting || die "the standby is not running (deploy/local/pg-standby.sh up)"
  standby_psql -c 'select pg_wal_replay_pause()' >/dev/null
  ok "replay paused at $(standby_psql -c 'select pg_last_wal_replay_lsn()'); 'resume' continues it"
}

resume() {
  standby_accepting || die "the standby is not running (deploy/local/pg-standby.sh up)"
  standby_psql -c 'select pg_wal_replay_resume()' >/dev/null
  ok "replay resumed"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  reset) reset ;;
  status) status ;;
  pause) pause ;;
  resume) resume ;;
  url) echo "postgres://$PG_USER@$STANDBY_HOST:$STANDBY_PORT/${2:-parchee}" ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
