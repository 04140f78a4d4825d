#!/usr/bin/env bash
# Local Keycloak (the Quarkus distribution from Maven Central) in development
# mode, with the `ind` realm imported from realm-ind.json. No Docker. See
# ./README.md and `keycloak.sh help`.
set -euo pipefail

HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
PROG="$(basename "${BASH_SOURCE[0]}")"
# shellcheck source=../lib/daemon.sh
source "$HERE/../lib/daemon.sh"

KEYCLOAK_VERSION="${KEYCLOAK_VERSION:-26.4.0}"
KEYCLOAK_HOST="${KEYCLOAK_HOST:-127.0.0.1}"
KEYCLOAK_PORT="${KEYCLOAK_PORT:-8180}"
KEYCLOAK_STATE_DIR="${KEYCLOAK_STATE_DIR:-$HERE/.state}"
KEYCLOAK_DIST_DIR="${KEYCLOAK_DIST_DIR:-$HERE/.dist}"
KEYCLOAK_REALM_FILE="${KEYCLOAK_REALM_FILE:-$HERE/realm-ind.json}"
KEYCLOAK_REALM="${KEYCLOAK_REALM:-ind}"
KEYCLOAK_ADMIN="${KEYCLOAK_ADMIN:-admin}"
KEYCLOAK_ADMIN_PASSWORD="${KEYCLOAK_ADMIN_PASSWORD:-ind-dev-admin}"
KEYCLOAK_HEAP_OPTS="${KEYCLOAK_HEAP_OPTS:-}"
KEYCLOAK_START_TIMEOUT="${KEYCLOAK_START_TIMEOUT:-180}"
KEYCLOAK_STOP_TIMEOUT="${KEYCLOAK_STOP_TIMEOUT:-60}"
KEYCLOAK_OPTS="${KEYCLOAK_OPTS:-}"
MVN="${MVN:-mvn}"

KEYCLOAK_STATE_DIR="$(abspath "$KEYCLOAK_STATE_DIR")"
KEYCLOAK_DIST_DIR="$(abspath "$KEYCLOAK_DIST_DIR")"
KEYCLOAK_REALM_FILE="$(abspath "$KEYCLOAK_REALM_FILE")"

HOME_DIR="$KEYCLOAK_DIST_DIR/keycloak-$KEYCLOAK_VERSION"
KC="$HOME_DIR/bin/kc.sh"
# --import-realm reads only the distribution's data/import (fixed in 26.4); the
# realm file is copied there on every start.
IMPORT_DIR="$HOME_DIR/data/import"
# H2 (start-dev's dev-file database) lives at <db-url-path>/data/h2, so this
# puts it under the state dir, where `reset` clears it.
DB_URL_PATH="$KEYCLOAK_STATE_DIR"
LOGS="$KEYCLOAK_STATE_DIR/logs"
LOG="$LOGS/keycloak.log"
PIDFILE="$KEYCLOAK_STATE_DIR/keycloak.pid"
ENDPOINT_FILE="$KEYCLOAK_STATE_DIR/keycloak.endpoint"
LOCKFILE="$KEYCLOAK_STATE_DIR/.lock"
DAEMON_NAME="keycloak"
DAEMON_STATE_DIR="$KEYCLOAK_STATE_DIR"
DAEMON_SIGNATURE="--db-url-path=$DB_URL_PATH "
DAEMON_START_TIMEOUT="$KEYCLOAK_START_TIMEOUT"
DAEMON_STOP_TIMEOUT="$KEYCLOAK_STOP_TIMEOUT"
# kc.sh runs the JVM as its child (and execs a second one after a rebuild): the pid file holds
# the session leader, and stop signals the whole session.
DAEMON_KILL_GROUP=1
REALM_STAMP="$KEYCLOAK_STATE_DIR/realm.sha256"
ARTIFACT="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
BASE_URL="http://$KEYCLOAK_HOST:$KEYCLOAK_PORT"
READY_URL="$BASE_URL/realms/$KEYCLOAK_REALM/.well-known/openid-configuration"
DAEMON_ENDPOINT="$BASE_URL"

usage() {
  cat <<EOF
Usage: $PROG COMMAND [ARGS...]

Runs Keycloak $KEYCLOAK_VERSION (kc.sh start-dev: HTTP, embedded H2) from the
Maven Central distribution, with the '$KEYCLOAK_REALM' realm imported from
realm-ind.json, for local development and integration tests.

Commands:
  fetch        Download $ARTIFACT with Maven and
               unzip it into \$KEYCLOAK_DIST_DIR. Skipped when it is already there.
  start        fetch, copy the realm file into the distribution's data/import,
               start Keycloak in the background (--import-realm: the realm is
               imported when the database has none; a realm file changed since
               its import empties the database first) and wait
               until $READY_URL
               answers. Fails with the log tail if the JVM dies or after
               \$KEYCLOAK_START_TIMEOUT seconds. If already running: says so, exit 0.
  stop         SIGTERM Keycloak, SIGKILL after \$KEYCLOAK_STOP_TIMEOUT seconds,
               remove the pid file. No-op if stopped.
  restart      stop, then start.
  status       Print "running pid N on URL" (exit 0) or "stopped" (exit 1).
  reset        stop, then delete \$KEYCLOAK_STATE_DIR (database, logs): the next
               start imports realm-ind.json afresh.
  logs [-f|N]  Show the last N (default 100) lines of the log; -f follows.
  run CMD...   start, run CMD, stop Keycloak on exit (also on failure or
               Ctrl-C) and exit with CMD's exit code. If Keycloak was already
               running before 'run', it is left running.
  help         This text (also -h, --help).

Environment (defaults in brackets):
  KEYCLOAK_HOST            listen address, also the issuer's host [127.0.0.1]
  KEYCLOAK_PORT            HTTP port [8180] (8080 is backbone serve's)
  KEYCLOAK_STATE_DIR       H2 database, logs, pid file [infra/keycloak/.state]
  KEYCLOAK_DIST_DIR        unzipped distribution [infra/keycloak/.dist]
  KEYCLOAK_VERSION         distribution version [26.4.0]
  KEYCLOAK_REALM_FILE      realm imported at start [infra/keycloak/realm-ind.json]
  KEYCLOAK_REALM           realm whose discovery document means ready [ind]
  KEYCLOAK_ADMIN           bootstrap admin of the master realm [admin]
  KEYCLOAK_ADMIN_PASSWORD  its password, a dev-only value [ind-dev-admin]
  KEYCLOAK_HEAP_OPTS       JVM heap [kc.sh's: -Xms64m -Xmx512m]
  KEYCLOAK_START_TIMEOUT   seconds to wait for readiness [180]
  KEYCLOAK_STOP_TIMEOUT    seconds to wait after SIGTERM before SIGKILL [60]
  KEYCLOAK_OPTS            extra kc.sh start-dev options []
  JAVA_HOME                Java 17+ to use [java on PATH]
  MVN                      Maven executable [mvn]

Issuer: $BASE_URL/realms/$KEYCLOAK_REALM
Admin console: $BASE_URL/admin/ (log: \$KEYCLOAK_STATE_DIR/logs/keycloak.log).
EOF
}

# ---------------------------------------------------------------- helpers

answers() {
  curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
}

require_tools() {
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  command -v "$java" >/dev/null 2>&1 || die "java not found (need Java 17+; set JAVA_HOME)"
  command -v curl >/dev/null 2>&1 || die "curl not found (used to wait for readiness)"
}

# ---------------------------------------------------------------- commands

cmd_fetch() {
  local tmp t0 zip
  if [ -x "$KC" ] && [ -f "$HOME_DIR/version.txt" ]; then
    [ "${1:-}" = "-v" ] && say "keycloak $KEYCLOAK_VERSION is in $HOME_DIR"
    return 0
  fi
  command -v "$MVN" >/dev/null 2>&1 || die "maven ($MVN) not found"
  command -v unzip >/dev/null 2>&1 || die "unzip not found"
  say "fetching $ARTIFACT into $KEYCLOAK_DIST_DIR"
  t0="$(now)"
  tmp="$KEYCLOAK_DIST_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # From $HERE so no project config of the caller applies; Maven's output is
  # shown only on failure. The zip stays cached in ~/.m2.
  if ! (cd "$HERE" && "$MVN" -B -ntp -Dstyle.color=never "$DEP_PLUGIN:copy" \
          -Dartifact="$ARTIFACT" -DoutputDirectory="$tmp" >"$tmp/.mvn.log" 2>&1); then
    sed 's/\x1b\[[0-9;]*m//g' "$tmp/.mvn.log" | tail -n 40 >&2
    rm -rf "$tmp"
    die "mvn dependency:copy failed (is Maven Central reachable?)"
  fi
  zip="$tmp/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip"
  [ -f "$zip" ] || { rm -rf "$tmp"; die "no $zip after fetch"; }
  unzip -q "$zip" -d "$tmp" || { rm -rf "$tmp"; die "could not unzip $zip"; }
  [ -x "$tmp/keycloak-$KEYCLOAK_VERSION/bin/kc.sh" ] || { rm -rf "$tmp"; die "no bin/kc.sh in $zip"; }
  mkdir -p "$KEYCLOAK_DIST_DIR"
  rm -rf "$HOME_DIR"
  mv "$tmp/keycloak-$KEYCLOAK_VERSION" "$HOME_DIR"
  rm -rf "$tmp"
  say "fetched keycloak $KEYCLOAK_VERSION ($(du -sh "$HOME_DIR" | cut -f1)) in $(elapsed "$t0") s"
}

# --import-realm skips a realm that exists, so an edited realm file would go
# unnoticed: when its sha256 differs from the one imported, start from an empty
# database (the realm file is the truth; hand-made changes are lost). The
# stamp is written once the realm answers, so a failed import is redone.
fresh_if_realm_changed() {
  if [ -d "$KEYCLOAK_STATE_DIR/data" ] \
     && [ "$(cat "$REALM_STAMP" 2>/dev/null)" != "$(realm_sum)" ]; then
    say "$(basename "$KEYCLOAK_REALM_FILE") changed since it was imported: starting from an empty database"
    rm -rf "$KEYCLOAK_STATE_DIR/data"
  fi
}

realm_sum() { sha256sum "$KEYCLOAK_REALM_FILE" | awk '{print $1}'; }

cmd_start() {
  local pid t0 waited
  t0="$(now)"
  lock
  if pid="$(daemon_pid)"; then
    say "already running pid $pid on $(cat "$ENDPOINT_FILE" 2>/dev/null || echo "$BASE_URL")"
    return 0
  fi
  rm -f "$PIDFILE"
  require_tools
  cmd_fetch
  [ -f "$KEYCLOAK_REALM_FILE" ] || die "missing realm file $KEYCLOAK_REALM_FILE"
  if port_open "$KEYCLOAK_HOST" "$KEYCLOAK_PORT"; then
    die "port $KEYCLOAK_HOST:$KEYCLOAK_PORT is already in use by another process (set KEYCLOAK_PORT)"
  fi
  mkdir -p "$LOGS" "$IMPORT_DIR"
  fresh_if_realm_changed
  find "$IMPORT_DIR" -maxdepth 1 -name '*.json' -delete
  cp "$KEYCLOAK_REALM_FILE" "$IMPORT_DIR/"
  [ -f "$LOG" ] && mv -f "$LOG" "$LOG.1"
  : >"$LOG"

  # Double fork + setsid, as kafka.sh: Keycloak gets its own session (Ctrl-C in
  # the caller's terminal does not reach it) and is not our child. fd 9, our
  # lock, is closed so the server does not hold it.
  # shellcheck disable=SC2086
  (
    cd "$KEYCLOAK_STATE_DIR"
    export KC_BOOTSTRAP_ADMIN_USERNAME="$KEYCLOAK_ADMIN"
    export KC_BOOTSTRAP_ADMIN_PASSWORD="$KEYCLOAK_ADMIN_PASSWORD"
    if [ -n "$KEYCLOAK_HEAP_OPTS" ]; then export JAVA_OPTS_KC_HEAP="$KEYCLOAK_HEAP_OPTS"; fi
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" \
      nohup "$KC" start-dev \
        --http-host="$KEYCLOAK_HOST" --http-port="$KEYCLOAK_PORT" \
        --hostname="$BASE_URL" \
        --db-url-path="$DB_URL_PATH" \
        --import-realm \
        $KEYCLOAK_OPTS \
        >>"$LOG" 2>&1 </dev/null 9>&- &
  )
  for _ in $(seq 50); do [ -s "$PIDFILE" ] && break; sleep 0.1; done
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] || die "keycloak did not start (no pid file)"
  echo "$BASE_URL" >"$ENDPOINT_FILE"

  while :; do
    if ! is_our_daemon "$pid"; then
      log_tail 60
      rm -f "$PIDFILE"
      die "keycloak process $pid died during startup (see $LOG)"
    fi
    if answers "$READY_URL"; then
      realm_sum >"$REALM_STAMP"
      break
    fi
    waited="$(elapsed "$t0")"
    if awk -v w="$waited" -v t="$KEYCLOAK_START_TIMEOUT" 'BEGIN { exit !(w >= t) }'; then
      log_tail 60
      err "keycloak not ready after ${KEYCLOAK_START_TIMEOUT} s; stopping it"
      stop_pid "$pid"
      die "start timed out"
    fi
    sleep 0.5
  done
  say "keycloak started in $(elapsed "$t0") s: pid $pid, issuer $BASE_URL/realms/$KEYCLOAK_REALM (log: $LOG)"
}

main() {
  local cmd="${1:-help}"
  [ $# -gt 0 ] && shift
  case "$cmd" in
    fetch) cmd_fetch -v ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop; exec 9>&-; cmd_start ;;
    status) cmd_status ;;
    reset) cmd_reset ;;
    logs) cmd_logs "$@" ;;
    run) cmd_run "$@" ;;
    help | -h | --help) usage ;;
    *) err "unknown command: $cmd"; usage >&2; exit 2 ;;
  esac
}

main "$@"
