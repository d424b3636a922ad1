# Shared shell helpers for deploy/local scripts. Source it; it defines functions only.
# shellcheck shell=bash

PARCHEE_ROOT="${PARCHEE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

if [[ -t 2 && -z "${NO_COLOR:-}" ]]; then
  _c_dim=$'\e[2m' _c_red=$'\e[31m' _c_yel=$'\e[33m' _c_grn=$'\e[32m' _c_off=$'\e[0m'
else
  _c_dim='' _c_red='' _c_yel='' _c_grn='' _c_off=''
fi

log()  { printf '%s[%s]%s %s\n' "$_c_dim" "${LOG_TAG:-infra}" "$_c_off" "$*" >&2; }
ok()   { printf '%s[%s]%s %s%s%s\n' "$_c_dim" "${LOG_TAG:-infra}" "$_c_off" "$_c_grn" "$*" "$_c_off" >&2; }
warn() { printf '%s[%s]%s %swarning:%s %s\n' "$_c_dim" "${LOG_TAG:-infra}" "$_c_off" "$_c_yel" "$_c_off" "$*" >&2; }
die()  { printf '%s[%s]%s %serror:%s %s\n' "$_c_dim" "${LOG_TAG:-infra}" "$_c_off" "$_c_red" "$_c_off" "$*" >&2; exit 1; }

# require_cmd CMD "how to install it": fails with the install hint instead of a shell error later.
require_cmd() {
  local cmd="$1" hint="$2"
  command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' not found. Install it with: $hint"
}

# port_open HOST PORT: true when a TCP connection succeeds within one second.
port_open() {
  timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# pid_alive PID: true while the process exists and is not a zombie (a broker that died at boot
# stays a zombie until the script that launched it exits, and kill -0 still succeeds on it).
pid_alive() {
  [[ "$1" =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# wait_for_port HOST PORT SECONDS [PID]: waits until the port accepts connections. With PID, gives
# up early when that process dies, so a broker that crashed at boot is reported at once.
wait_for_port() {
  local host="$1" port="$2" pid="${4:-}" deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    port_open "$host" "$port" && return 0
    if [[ -n "$pid" ]] && ! pid_alive "$pid"; then return 2; fi
    sleep 0.2
  done
  return 1
}

# wait_for_pid_exit PID SECONDS: true when the process is gone within the bound.
wait_for_pid_exit() {
  local pid="$1" deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    pid_alive "$pid" || return 0
    sleep 0.2
  done
  ! pid_alive "$pid"
}

# port_owner PORT: "pid command" of the process listening on PORT, when ss can tell.
port_owner() {
  local pid
  pid="$(ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2)"
  [[ -n "$pid" ]] || return 1
  printf '%s %s\n' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-160 | sed 's/ *$//')"
}

# version_ge A B: true when dotted version A >= B.
version_ge() {
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}
