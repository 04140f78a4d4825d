#!/usr/bin/env bash
# Dedicated, project-owned PostgreSQL server on loopback for development and CI.
# See infra/postgres/README.md, or run: infra/postgres/postgres.sh help
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd -P)"
SELF="$SCRIPT_DIR/$(basename "${BASH_SOURCE[0]}")"

PG_PORT="${PG_PORT:-55432}"
PG_USER="${PG_USER:-backbone}"
PG_PASSWORD="${PG_PASSWORD:-backbone}"
PG_DATABASE="${PG_DATABASE:-backbone}"
PG_START_TIMEOUT="${PG_START_TIMEOUT:-60}"
PG_BIN_GLOB="${PG_BIN_GLOB:-/usr/lib/postgresql/*/bin/postgres}"
PG_OS_USER_ROOT=postgres          # OS account the server runs as when we are root
MARKER=.backbone-pg               # marks a directory this script created (guards `reset`)

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  cat <<USAGE
Usage: infra/postgres/postgres.sh COMMAND [ARGS...]

Runs a dedicated PostgreSQL cluster for this checkout (not Debian's 'main'
cluster), listening only on 127.0.0.1:\$PG_PORT with scram password auth.

Commands:
  install      Install Debian's 'postgresql' package (apt-get) if no server
               binaries match \$PG_BIN_GLOB; otherwise do nothing.
  start        install if needed, initdb on first use, start the server, wait
               until it accepts connections, then ensure role \$PG_USER
               (LOGIN CREATEDB REPLICATION, password \$PG_PASSWORD) and database
               \$PG_DATABASE owned by it. Idempotent; prints the time taken.
  stop         Fast shutdown (pg_ctl stop -m fast). Idempotent.
  status       Exit 0 and print the URL if running, exit 1 otherwise.
  reset        Stop and delete the state directory (all data).
  url          Print postgresql://USER:PASSWORD@127.0.0.1:PORT/DATABASE
  psql [ARGS]  Open psql on the database as \$PG_USER over TCP.
  run CMD...   start, run CMD with PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE
               and DATABASE_URL exported, stop afterwards (only if this call
               started the server), exit with CMD's exit code.
  help         This text.

Environment (defaults in brackets):
  PG_PORT          TCP port on 127.0.0.1                      [55432]
  PG_USER          application role                           [backbone]
  PG_PASSWORD      its password                               [backbone]
  PG_DATABASE      application database                       [backbone]
  PG_STATE_DIR     state dir: data/, socket, postgres.log
                   [infra/postgres/.state; if the 'postgres' OS user cannot
                    reach it: /var/lib/postgresql/backbone-pg-<hash of repo path>]
  PG_WAL_ARCHIVE   where archive_command copies each completed WAL
                   segment (infra/postgres/backup.sh restores from it)
                                                      [\$PG_STATE_DIR/wal-archive]
  PG_START_TIMEOUT seconds to wait for the server to come up  [60]
  PG_BIN_GLOB      where to look for server binaries
                   [/usr/lib/postgresql/*/bin/postgres]
USAGE
}

now_ms() { local t="${EPOCHREALTIME/./}"; echo $(( ${t:0:${#t}-3} )); }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Run a command as the OS user that owns the cluster. postgres refuses to run as
# root, so as root we use the 'postgres' account; as anyone else, ourselves.
as_pg() {
  # 9>&- : don't leak the flock fd into the postmaster, or it would hold the
  # lock for as long as the server runs.
  if is_root; then
    (cd / && runuser -u "$PG_OS_USER_ROOT" -- "$@" 9>&-)
  else
    (cd / && "$@" 9>&-)
  fi
}

pg_os_user() { if is_root; then echo "$PG_OS_USER_ROOT"; else id -un; fi; }

# ---------------------------------------------------------------- binaries ---
server_binaries() { compgen -G "$PG_BIN_GLOB" | sort -V || true; }
have_server() { [[ -n "$(server_binaries)" ]]; }

cmd_install() {
  if have_server; then
    return 0
  fi
  log "no PostgreSQL server binaries match $PG_BIN_GLOB; installing Debian's 'postgresql' package"
  local sudo=()
  if ! is_root; then
    command -v sudo >/dev/null || die "not root and no sudo: run 'apt-get install postgresql' as root"
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
  have_server || die "apt-get install finished but still no server binaries match $PG_BIN_GLOB"
}

# Sets PG_BINDIR. Prefers the major version the data directory was created with.
resolve_bindir() {
  local all want="" b
  all="$(server_binaries)"
  [[ -n "$all" ]] || die "no PostgreSQL server binaries match $PG_BIN_GLOB (run: $SELF install)"
  if [[ -f "$PGDATA/PG_VERSION" ]]; then
    want="$(cat "$PGDATA/PG_VERSION")"
    while IFS= read -r b; do
      if [[ "$(basename "$(dirname "$(dirname "$b")")")" == "$want" ]]; then
        PG_BINDIR="$(dirname "$b")"; return 0
      fi
    done <<<"$all"
    die "data dir $PGDATA was created by PostgreSQL $want, whose binaries are not installed; '$SELF reset' to recreate it"
  fi
  PG_BINDIR="$(dirname "$(tail -n1 <<<"$all")")"
}

# ------------------------------------------------------------- state dir ---
# Can the server's OS user create/enter a directory at $1?
reachable_by_pg() {
  local d="$1"
  while [[ ! -e "$d" ]]; do d="$(dirname "$d")"; done
  [[ -d "$d" ]] || return 1
  if is_root; then
    # Before the package is installed there is no postgres user yet; assume OK
    # (start installs first, and nothing can be running without it).
    id -u "$PG_OS_USER_ROOT" >/dev/null 2>&1 || return 0
    # Root creates the dir and chowns it; the server user only needs to
    # traverse every ancestor (search permission), which `test -x` checks.
    as_pg test -x "$d"
  else
    [[ -x "$d" && ( -w "$d" || -e "$1" ) ]]
  fi
}

# unix socket paths are limited to 107 bytes; socket file is .s.PGSQL.<port>
socket_ok() { (( ${#1} + ${#PG_PORT} + 10 <= 107 )); }

resolve_state_dir() {
  if [[ -n "${PG_STATE_DIR:-}" ]]; then
    STATE_DIR="$(realpath -m "$PG_STATE_DIR")"
    reachable_by_pg "$STATE_DIR" || die "PG_STATE_DIR=$STATE_DIR is not reachable by OS user '$(pg_os_user)' (every parent dir needs o+x)"
    socket_ok "$STATE_DIR" || die "PG_STATE_DIR=$STATE_DIR is too long for a unix socket path; choose a shorter one"
  else
    STATE_DIR="$SCRIPT_DIR/.state"
    if ! reachable_by_pg "$STATE_DIR" || ! socket_ok "$STATE_DIR"; then
      local hash
      hash="$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-12)"
      STATE_DIR="/var/lib/postgresql/backbone-pg-$hash"
      if [[ "${1:-}" == announce ]]; then
        log "note: $SCRIPT_DIR/.state is unusable (not reachable by OS user '$(pg_os_user)', or too long for a unix socket path); using $STATE_DIR"
      fi
    fi
  fi
  PGDATA="$STATE_DIR/data"
  LOGFILE="$STATE_DIR/postgres.log"
  WAL_ARCHIVE="$(realpath -m "${PG_WAL_ARCHIVE:-$STATE_DIR/wal-archive}")"
}

ensure_state_dir() {
  touch "$LOGFILE"
  chmod 700 "$STATE_DIR"
  # Only the top dir and the log (pg_ctl appends to it as the server user);
  # everything else below is created by the server user itself.
  if is_root; then chown "$PG_OS_USER_ROOT:" "$STATE_DIR" "$LOGFILE"; fi
  ensure_wal_archive
}

# The server user writes archived WAL there (archive_command) and reads it back on restore.
ensure_wal_archive() {
  [[ -d "$WAL_ARCHIVE" ]] && return 0
  reachable_by_pg "$WAL_ARCHIVE" || die "PG_WAL_ARCHIVE=$WAL_ARCHIVE is not reachable by OS user '$(pg_os_user)'"
  mkdir -p "$WAL_ARCHIVE"
  chmod 700 "$WAL_ARCHIVE"
  if is_root; then chown "$PG_OS_USER_ROOT:" "$WAL_ARCHIVE"; fi
}

# Serialise start/stop/reset on the same state dir (e.g. parallel CI steps).
take_lock() {
  if [[ ! -d "$STATE_DIR" ]]; then
    mkdir -p "$STATE_DIR"
    touch "$STATE_DIR/$MARKER"
  fi
  exec 9>>"$STATE_DIR/.lock"
  flock -w 120 9 || die "timed out waiting for lock $STATE_DIR/.lock"
}
release_lock() { exec 9>&-; }

# ------------------------------------------------------------------ server ---
url() { printf 'postgresql://%s:%s@127.0.0.1:%s/%s\n' "$PG_USER" "$PG_PASSWORD" "$PG_PORT" "$PG_DATABASE"; }

is_running() {
  [[ -f "$PGDATA/PG_VERSION" ]] && have_server || return 1
  resolve_bindir
  as_pg "$PG_BINDIR/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1
}

running_port() { sed -n 4p "$PGDATA/postmaster.pid" 2>/dev/null || true; }

write_config() {
  # Rewritten on every start so changes to PG_PORT / the state dir apply. Lines given as arguments
  # (a restore's recovery settings) are appended; the next plain start drops them again.
  # archive_command: copy under a temporary name, then rename, so the archive never holds half a
  # segment; never overwrite an archived segment unless it is the same (a retry after a crash
  # between copying and recording it), so a second cluster on the same archive fails loudly.
  local extra=""
  if (( $# )); then extra="$(printf '%s\n' "$@")"; fi
  as_pg tee "$PGDATA/backbone.conf" >/dev/null <<CONF
# Managed by infra/postgres/postgres.sh -- rewritten on every start.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$STATE_DIR'
unix_socket_permissions = 0700
max_connections = 200
shared_buffers = 128MB
password_encryption = 'scram-sha-256'
log_line_prefix = '%m [%p] %q%u@%d '
log_timezone = 'UTC'
timezone = 'UTC'
wal_level = logical
archive_mode = on
archive_command = 'test ! -f "$WAL_ARCHIVE/%f" && cp "%p" "$WAL_ARCHIVE/%f.tmp" && mv "$WAL_ARCHIVE/%f.tmp" "$WAL_ARCHIVE/%f" || cmp -s "%p" "$WAL_ARCHIVE/%f"'
archive_timeout = 60
$extra
CONF
}

init_cluster() {
  log "initdb (PostgreSQL $(basename "$(dirname "$PG_BINDIR")")) in $PGDATA"
  as_pg "$PG_BINDIR/initdb" -D "$PGDATA" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >>"$LOGFILE" 2>&1 \
    || { tail -n 30 "$LOGFILE" >&2; die "initdb failed (log: $LOGFILE)"; }
  printf "\ninclude 'backbone.conf'\n" | as_pg tee -a "$PGDATA/postgresql.conf" >/dev/null
}

wait_ready() {
  local deadline=$(( SECONDS + PG_START_TIMEOUT ))
  until "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2; do
    (( SECONDS < deadline )) || { tail -n 30 "$LOGFILE" >&2; die "server not ready after ${PG_START_TIMEOUT}s (log: $LOGFILE)"; }
    sleep 0.1
  done
}

ensure_role_and_db() {
  as_pg "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$STATE_DIR" -p "$PG_PORT" \
    -U "$(pg_os_user)" -d postgres \
    -v u="$PG_USER" -v pw="$PG_PASSWORD" -v db="$PG_DATABASE" <<'SQL' >/dev/null
SELECT format('CREATE ROLE %I LOGIN CREATEDB REPLICATION', :'u')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'u') \gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB REPLICATION PASSWORD %L', :'u', :'pw') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'u')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
}

cmd_start() {
  local t0; t0="$(now_ms)"
  cmd_install
  resolve_state_dir announce
  take_lock
  ensure_state_dir
  resolve_bindir
  if is_running; then
    local p; p="$(running_port)"
    [[ "$p" == "$PG_PORT" ]] || die "server for $PGDATA is already running on port $p, not PG_PORT=$PG_PORT; stop it first"
    log "already running"
    archiving_note
  else
    [[ -f "$PGDATA/PG_VERSION" ]] || init_cluster
    write_config
    as_pg "$PG_BINDIR/pg_ctl" start -w -t "$PG_START_TIMEOUT" -D "$PGDATA" -l "$LOGFILE" >/dev/null \
      || { tail -n 30 "$LOGFILE" >&2; die "pg_ctl start failed (log: $LOGFILE)"; }
  fi
  wait_ready
  ensure_role_and_db
  release_lock
  log "ready at $(url) (data: $PGDATA) in $(( $(now_ms) - t0 )) ms"
}

# A server started before WAL archiving was configured keeps its old settings until restarted.
archiving_note() {
  local mode
  mode="$(as_pg "$PG_BINDIR/psql" -X -A -t -h "$STATE_DIR" -p "$PG_PORT" -U "$(pg_os_user)" -d postgres \
    -c 'SHOW archive_mode' 2>/dev/null || true)"
  if [[ "$mode" != on ]]; then
    log "note: WAL archiving is not on yet (archive_mode=$mode); restart to apply it: $SELF stop && $SELF start"
  fi
}

cmd_stop() {
  resolve_state_dir
  [[ -d "$STATE_DIR" ]] || { log "not running"; return 0; }
  take_lock
  if is_running; then
    as_pg "$PG_BINDIR/pg_ctl" stop -m fast -w -t "$PG_START_TIMEOUT" -D "$PGDATA" >/dev/null
    log "stopped"
  else
    log "not running"
  fi
  release_lock
}

cmd_status() {
  resolve_state_dir
  if is_running && "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$(running_port)" -t 2; then
    PG_PORT="$(running_port)"
    log "running (pid $(head -n1 "$PGDATA/postmaster.pid"), data $PGDATA, log $LOGFILE)"
    url
  else
    log "not running (state dir: $STATE_DIR)"
    return 1
  fi
}

cmd_reset() {
  resolve_state_dir
  [[ -d "$STATE_DIR" ]] || { log "nothing to reset ($STATE_DIR does not exist)"; return 0; }
  case "$STATE_DIR" in /|/var|/var/lib|/var/lib/postgresql|/tmp|/var/tmp|"$REPO_ROOT"|"${HOME:-/}") die "refusing to delete $STATE_DIR";; esac
  [[ -e "$STATE_DIR/$MARKER" ]] || die "refusing to delete $STATE_DIR: no $MARKER marker (not created by this script)"
  cmd_stop
  rm -rf -- "$STATE_DIR"
  log "deleted $STATE_DIR"
}

cmd_psql() {
  resolve_state_dir
  is_running || die "not running (start it with: $SELF start)"
  exec "$PG_BINDIR/psql" "$(url)" "$@"
}

cmd_run() {
  [[ $# -gt 0 ]] || die "usage: $SELF run CMD [ARGS...]"
  cmd_install
  resolve_state_dir
  local was_running=0
  if is_running; then was_running=1; fi
  if (( ! was_running )); then
    trap 'cmd_stop' EXIT
    trap 'exit 130' INT   # make sure the EXIT trap also runs on Ctrl-C / TERM
    trap 'exit 143' TERM
  fi
  cmd_start
  export PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER="$PG_USER" PGPASSWORD="$PG_PASSWORD" \
         PGDATABASE="$PG_DATABASE" DATABASE_URL
  DATABASE_URL="$(url)"
  local rc=0
  "$@" || rc=$?
  exit "$rc"
}

main() {
  local cmd="${1:-help}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    install) cmd_install ;;
    start)   cmd_start ;;
    stop)    cmd_stop ;;
    status)  cmd_status ;;
    reset)   cmd_reset ;;
    url)     url ;;
    psql)    cmd_psql "$@" ;;
    run)     cmd_run "$@" ;;
    help|-h|--help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

# Sourcing the file (e.g. to unit-test have_server) defines functions only.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
