# shellcheck shell=bash
# What every infra script that runs a local server (kafka.sh, connect.sh, keycloak.sh) does the same
# way: messages, timing, the state directory's lock, finding our own process, stop, status, reset,
# logs and `run CMD`. Sourced right after the script sets HERE and PROG; the functions read, when
# called, the variables the script sets once its paths are known:
#
#   DAEMON_NAME           what `say` calls it ("kafka")
#   DAEMON_STATE_DIR      the state directory (deleted by reset)
#   DAEMON_SIGNATURE      a part of the command line only our process has (e.g. its config path)
#   DAEMON_ENDPOINT       where it listens, for status when the endpoint file is missing
#   DAEMON_START_TIMEOUT, DAEMON_STOP_TIMEOUT   seconds
#   DAEMON_KILL_GROUP     1: signal the whole process group (a launcher script and its JVM)
#   LOG PIDFILE ENDPOINT_FILE LOCKFILE          files in the state directory
#
# and the script defines cmd_start.

say() { printf '%s: %s\n' "$PROG" "$*"; }
err() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { err "$*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# Absolute, canonical paths: nothing depends on the caller's cwd.
abspath() { realpath -m -- "$1"; }
port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" >/dev/null 2>&1; }

log_tail() {
  if [ -f "$LOG" ]; then
    err "---- last ${1:-40} lines of $LOG ----"
    tail -n "${1:-40}" "$LOG" >&2
    err "----"
  fi
}

# One script at a time per state directory (fd 9, held until exit or `exec 9>&-`).
lock() {
  mkdir -p "$DAEMON_STATE_DIR"
  exec 9>"$LOCKFILE"
  if command -v flock >/dev/null 2>&1; then
    flock -w "$((DAEMON_START_TIMEOUT + DAEMON_STOP_TIMEOUT + 30))" 9 \
      || die "could not lock $LOCKFILE (another $PROG running?)"
  fi
}

# Is PID a live (not zombie) process whose command line carries our signature?
is_our_daemon() {
  local pid="$1" state cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/stat" ] || return 1
  state="$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null)" || return 1
  [ "$state" != "Z" ] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$DAEMON_SIGNATURE"* ]]
}

# Our process's pid: from the pid file, else found by its signature (a lost pid file).
daemon_pid() {
  local pid=""
  if [ -f "$PIDFILE" ]; then
    pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    if is_our_daemon "$pid"; then echo "$pid"; return 0; fi
  fi
  if command -v pgrep >/dev/null 2>&1; then
    for pid in $(pgrep -f -- "$DAEMON_SIGNATURE" 2>/dev/null || true); do
      if is_our_daemon "$pid"; then echo "$pid"; return 0; fi
    done
  fi
  return 1
}

daemon_alive() {
  if [ "${DAEMON_KILL_GROUP:-0}" = 1 ] && pgrep -s "$1" >/dev/null 2>&1; then return 0; fi
  is_our_daemon "$1"
}

daemon_signal() {
  if [ "${DAEMON_KILL_GROUP:-0}" = 1 ]; then
    kill "-$1" -- "-$2" 2>/dev/null || kill "-$1" "$2" 2>/dev/null || true
  else
    kill "-$1" "$2" 2>/dev/null || true
  fi
}

# SIGTERM, then SIGKILL after DAEMON_STOP_TIMEOUT seconds.
stop_pid() {
  local pid="$1" t0
  t0="$(now)"
  daemon_signal TERM "$pid"
  while daemon_alive "$pid"; do
    if awk -v w="$(elapsed "$t0")" -v t="$DAEMON_STOP_TIMEOUT" 'BEGIN { exit !(w >= t) }'; then
      err "pid $pid still alive after ${DAEMON_STOP_TIMEOUT} s; sending SIGKILL"
      daemon_signal KILL "$pid"
      for _ in $(seq 50); do daemon_alive "$pid" || break; sleep 0.1; done
      break
    fi
    sleep 0.2
  done
  is_our_daemon "$pid" && die "could not stop pid $pid"
  say "$DAEMON_NAME stopped (pid $pid) in $(elapsed "$t0") s"
}

cmd_stop() {
  local pid
  [ -d "$DAEMON_STATE_DIR" ] || { say "not running"; return 0; }
  lock
  if pid="$(daemon_pid)"; then stop_pid "$pid"; else say "not running"; fi
  rm -f "$PIDFILE"
}

cmd_status() {
  local pid
  if pid="$(daemon_pid)"; then
    echo "running pid $pid on $(cat "$ENDPOINT_FILE" 2>/dev/null || echo "$DAEMON_ENDPOINT")"
    return 0
  fi
  echo "stopped"
  return 1
}

cmd_reset() {
  cmd_stop
  rm -rf "$DAEMON_STATE_DIR"
  say "deleted $DAEMON_STATE_DIR"
}

cmd_logs() {
  [ -f "$LOG" ] || die "no log yet ($LOG)"
  case "${1:-}" in
    -f) tail -n 100 -F "$LOG" ;;
    "") tail -n 100 "$LOG" ;;
    *[!0-9]*) die "usage: $PROG logs [-f|N]" ;;
    *) tail -n "$1" "$LOG" ;;
  esac
}

# Start (unless running), run CMD, and stop again only what this call started.
cmd_run() {
  [ $# -gt 0 ] || die "usage: $PROG run CMD [ARGS...]"
  local rc=0
  if daemon_pid >/dev/null; then
    say "$DAEMON_NAME already running; it will be left running after the command"
  else
    trap 'cmd_stop || true' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
  fi
  cmd_start
  # Release the lock so that CMD may itself call this script.
  exec 9>&-
  "$@" || rc=$?
  exit "$rc"
}
