#!/usr/bin/env bash
# Local Kafka Connect worker (standalone) with Debezium's PostgreSQL connector,
# run from Maven Central jars, for change data capture from the legacy case
# system. No Docker, no tarball. See ./README.md and `connect.sh help`.
set -euo pipefail

HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
PROG="$(basename "${BASH_SOURCE[0]}")"
# shellcheck source=../lib/daemon.sh
source "$HERE/../lib/daemon.sh"

CONNECT_HOST="${CONNECT_HOST:-127.0.0.1}"
CONNECT_PORT="${CONNECT_PORT:-8083}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_BOOTSTRAP="${KAFKA_BOOTSTRAP:-127.0.0.1:$KAFKA_PORT}"
CONNECT_STATE_DIR="${CONNECT_STATE_DIR:-$HERE/.state}"
CONNECT_LIBS_DIR="${CONNECT_LIBS_DIR:-$HERE/.libs}"
CONNECT_HEAP_OPTS="${CONNECT_HEAP_OPTS:--Xms256m -Xmx512m}"
CONNECT_START_TIMEOUT="${CONNECT_START_TIMEOUT:-180}"
CONNECT_STOP_TIMEOUT="${CONNECT_STOP_TIMEOUT:-60}"
CONNECT_OPTS="${CONNECT_OPTS:-}"
CONNECT_EXTRA_CONFIG="${CONNECT_EXTRA_CONFIG:-}"
MVN="${MVN:-mvn}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

CONNECT_STATE_DIR="$(abspath "$CONNECT_STATE_DIR")"
CONNECT_LIBS_DIR="$(abspath "$CONNECT_LIBS_DIR")"

POM="$HERE/pom.xml"
STAMP="$CONNECT_LIBS_DIR/.pom.sha256"
LIB="$CONNECT_LIBS_DIR/lib"
PLUGINS="$CONNECT_LIBS_DIR/plugins"
CONF="$CONNECT_STATE_DIR/worker.properties"
OFFSETS="$CONNECT_STATE_DIR/connect.offsets"
LOGS="$CONNECT_STATE_DIR/logs"
LOG="$LOGS/connect.log"
PIDFILE="$CONNECT_STATE_DIR/connect.pid"
LOCKFILE="$CONNECT_STATE_DIR/.lock"
DAEMON_NAME="kafka connect"
DAEMON_STATE_DIR="$CONNECT_STATE_DIR"
DAEMON_START_TIMEOUT="$CONNECT_START_TIMEOUT"
DAEMON_STOP_TIMEOUT="$CONNECT_STOP_TIMEOUT"
ENDPOINT_FILE="$CONNECT_STATE_DIR/connect.endpoint"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
MAIN_CLASS="org.apache.kafka.connect.cli.ConnectStandalone"
DAEMON_SIGNATURE=" $MAIN_CLASS $CONF"
URL="http://$CONNECT_HOST:$CONNECT_PORT"
DAEMON_ENDPOINT="$URL"

usage() {
  cat <<EOF
Usage: $PROG COMMAND [ARGS...]

Runs a real Kafka Connect worker (standalone mode, offsets in a file) with
Debezium's PostgreSQL connector on its plugin.path, from Maven Central jars,
for local development and integration tests. The worker starts with no
connector: the code registers its connectors through the REST API
(PUT /connectors/<name>/config; see services/legacy_bridge/).

Commands:
  fetch        Download the worker's jars (mvn copy-dependencies of pom.xml)
               into \$CONNECT_LIBS_DIR/lib and Debezium's plugin bundle
               (tar.gz, classifier plugin) unpacked into \$CONNECT_LIBS_DIR/plugins.
               Skipped when the sha256 of pom.xml matches the last fetch.
  start        fetch, write worker.properties into \$CONNECT_STATE_DIR, start the
               worker in the background and wait until its REST API lists the
               Debezium PostgreSQL connector plugin. Fails with the log tail if
               the JVM dies or after \$CONNECT_START_TIMEOUT seconds. If already
               running: says so, exit 0. The broker must be up.
  stop         SIGTERM the worker, SIGKILL after \$CONNECT_STOP_TIMEOUT seconds.
  restart      stop, then start.
  status       Print "running pid N on URL" (exit 0) or "stopped" (exit 1).
  reset        stop, then delete \$CONNECT_STATE_DIR (source offsets, logs).
  logs [-f|N]  Show the last N (default 100) lines of the worker log.
  url          Print the REST API's base URL.
  run CMD...   start, run CMD, stop the worker on exit and exit with CMD's
               code. A worker that was already running is left running.
  help         This text (also -h, --help).

Environment (defaults in brackets):
  CONNECT_HOST           REST listener address [127.0.0.1]
  CONNECT_PORT           REST listener port [8083]
  KAFKA_BOOTSTRAP        the broker [127.0.0.1:\$KAFKA_PORT]
  KAFKA_PORT             the broker's port, if KAFKA_BOOTSTRAP is unset [9092]
  CONNECT_STATE_DIR      config, offsets file, logs, pid [infra/kafka-connect/.state]
  CONNECT_LIBS_DIR       jars and plugins (a cache) [infra/kafka-connect/.libs]
  CONNECT_HEAP_OPTS      JVM heap [-Xms256m -Xmx512m]
  CONNECT_START_TIMEOUT  seconds to wait for readiness [180]
  CONNECT_STOP_TIMEOUT   seconds to wait after SIGTERM before SIGKILL [60]
  CONNECT_OPTS           extra JVM options []
  CONNECT_EXTRA_CONFIG   extra worker.properties lines, appended last []
  LEGACY_DATABASE_PASSWORD  the legacy database's password, which the
                         connector names as \${env:LEGACY_DATABASE_PASSWORD}
                         [\$PG_PASSWORD, else backbone: infra/postgres's]
  JAVA_HOME              Java 17+ to use [java on PATH]
  MVN                    Maven executable [mvn]
EOF
}

# ---------------------------------------------------------------- helpers

# Ready means: the REST API answers and the herder has loaded the Debezium
# plugin (the API answers 503 or lists no plugin while the worker starts).
rest_ready() {
  curl -fsS --max-time 2 "$URL/connector-plugins" 2>/dev/null \
    | grep -q 'io.debezium.connector.postgresql.PostgresConnector'
}

pom_property() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$POM" | head -n1; }

# ---------------------------------------------------------------- commands

cmd_fetch() {
  local sum tmp t0 dbz
  [ -f "$POM" ] || die "missing $POM"
  sum="$(sha256sum "$POM" | awk '{print $1}')"
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$sum" ]; then
    [ "${1:-}" = "-v" ] && say "connect jars in $CONNECT_LIBS_DIR are up to date"
    return 0
  fi
  command -v "$MVN" >/dev/null 2>&1 || die "maven ($MVN) not found"
  dbz="$(pom_property debezium.version)"
  [ -n "$dbz" ] || die "no <debezium.version> in $POM"
  say "fetching connect jars and debezium $dbz into $CONNECT_LIBS_DIR (pom changed or first run)"
  t0="$(now)"
  tmp="$CONNECT_LIBS_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp/lib" "$tmp/plugins" "$tmp/dl"
  if ! (cd "$HERE" && "$MVN" -B -ntp -Dstyle.color=never -f "$POM" "$DEP_PLUGIN:copy-dependencies" \
          -DincludeScope=runtime -DoutputDirectory="$tmp/lib" >"$tmp/mvn.log" 2>&1 \
        && "$MVN" -B -ntp -Dstyle.color=never -f "$POM" "$DEP_PLUGIN:copy" \
          -Dartifact="io.debezium:debezium-connector-postgres:$dbz:tar.gz:plugin" \
          -DoutputDirectory="$tmp/dl" >>"$tmp/mvn.log" 2>&1); then
    sed 's/\x1b\[[0-9;]*m//g' "$tmp/mvn.log" | tail -n 40 >&2
    rm -rf "$tmp"
    die "mvn failed (is Maven Central reachable?)"
  fi
  tar -xzf "$tmp"/dl/debezium-connector-postgres-*-plugin.tar.gz -C "$tmp/plugins" \
    || { rm -rf "$tmp"; die "could not unpack the debezium plugin bundle"; }
  rm -rf "$tmp/dl" "$tmp/mvn.log"
  compgen -G "$tmp/lib/connect-runtime-*.jar" >/dev/null || { rm -rf "$tmp"; die "no connect-runtime jar after fetch"; }
  compgen -G "$tmp/plugins/debezium-connector-postgres/*.jar" >/dev/null \
    || { rm -rf "$tmp"; die "no debezium-connector-postgres jars after unpacking"; }
  echo "$sum" >"$tmp/.pom.sha256"
  rm -rf "$CONNECT_LIBS_DIR"
  mv "$tmp" "$CONNECT_LIBS_DIR"
  say "fetched $(find "$CONNECT_LIBS_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$CONNECT_LIBS_DIR" | cut -f1)) in $(elapsed "$t0") s"
}

write_config() {
  mkdir -p "$LOGS"
  cat >"$CONF.tmp" <<EOF
# Generated by infra/kafka-connect/connect.sh on every start; edits are overwritten.
# Standalone worker: source offsets in a file, connectors registered over REST.
bootstrap.servers=$KAFKA_BOOTSTRAP
listeners=http://$CONNECT_HOST:$CONNECT_PORT
rest.advertised.host.name=$CONNECT_HOST
rest.advertised.port=$CONNECT_PORT
plugin.path=$PLUGINS
offset.storage.file.filename=$OFFSETS
offset.flush.interval.ms=1000
# Every plugin here (Kafka's own, Debezium's bundle) has ServiceLoader manifests: no class scanning.
plugin.discovery=service_load

# JSON without embedded schemas: keys and values are plain JSON documents.
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false

# Secrets stay out of connector configurations (which the REST API shows):
# a connector names them as \${env:NAME} or \${file:PATH:KEY}, resolved here.
config.providers=env,file
config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider

# The broker does not auto-create topics: connectors declare theirs
# (topic.creation.default.* in the connector's config).
topic.creation.enable=true
EOF
  if [ -n "$CONNECT_EXTRA_CONFIG" ]; then
    printf '\n# CONNECT_EXTRA_CONFIG\n%s\n' "$CONNECT_EXTRA_CONFIG" >>"$CONF.tmp"
  fi
  mv "$CONF.tmp" "$CONF"
}

cmd_start() {
  local pid t0 waited host port
  t0="$(now)"
  lock
  if pid="$(daemon_pid)"; then
    say "already running pid $pid on $(cat "$ENDPOINT_FILE" 2>/dev/null || echo "$URL")"
    return 0
  fi
  rm -f "$PIDFILE"
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (need Java 17+; set JAVA_HOME)"
  cmd_fetch
  port_open "$CONNECT_HOST" "$CONNECT_PORT" \
    && die "port $CONNECT_HOST:$CONNECT_PORT is already in use by another process (set CONNECT_PORT)"
  host="${KAFKA_BOOTSTRAP%%,*}"; port="${host##*:}"; host="${host%:*}"
  port_open "$host" "$port" || die "no broker at $KAFKA_BOOTSTRAP (start infra/kafka/kafka.sh first)"
  write_config
  [ -f "$LOG" ] && mv -f "$LOG" "$LOG.1"
  : >"$LOG"
  # As kafka.sh: own session, not our child, lock fd closed.
  # shellcheck disable=SC2086
  (
    cd "$CONNECT_STATE_DIR"
    export LEGACY_DATABASE_PASSWORD="${LEGACY_DATABASE_PASSWORD:-${PG_PASSWORD:-backbone}}"
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" \
      nohup "$JAVA" $CONNECT_HEAP_OPTS -XX:+UseG1GC -Djava.awt.headless=true \
        -Dlog4j.configuration="file:$HERE/log4j.properties" \
        $CONNECT_OPTS -cp "$LIB/*" "$MAIN_CLASS" "$CONF" \
        >>"$LOG" 2>&1 </dev/null 9>&- &
  )
  for _ in $(seq 50); do [ -s "$PIDFILE" ] && break; sleep 0.1; done
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] || die "worker did not start (no pid file)"
  echo "$URL" >"$ENDPOINT_FILE"
  until rest_ready; do
    if ! is_our_daemon "$pid"; then
      log_tail 60
      rm -f "$PIDFILE"
      die "worker process $pid died during startup (see $LOG)"
    fi
    waited="$(elapsed "$t0")"
    if awk -v w="$waited" -v t="$CONNECT_START_TIMEOUT" 'BEGIN { exit !(w >= t) }'; then
      log_tail 60
      err "worker not ready after ${CONNECT_START_TIMEOUT} s; stopping it"
      stop_pid "$pid"
      die "start timed out"
    fi
    sleep 0.5
  done
  say "kafka connect started in $(elapsed "$t0") s: pid $pid, REST on $URL, broker $KAFKA_BOOTSTRAP (log: $LOG)"
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
    url) echo "$URL" ;;
    run) cmd_run "$@" ;;
    help | -h | --help) usage ;;
    *) err "unknown command: $cmd"; usage >&2; exit 2 ;;
  esac
}

main "$@"
