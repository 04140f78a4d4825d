#!/usr/bin/env bash
# Local single-node Apache Kafka 4.x broker (KRaft, combined broker+controller)
# run from Maven Central jars. No Docker, no tarball. See ./README.md and
# `kafka.sh help`.
set -euo pipefail

HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
PROG="$(basename "${BASH_SOURCE[0]}")"
# shellcheck source=../lib/daemon.sh
source "$HERE/../lib/daemon.sh"

KAFKA_HOST="${KAFKA_HOST:-127.0.0.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_STATE_DIR="${KAFKA_STATE_DIR:-$HERE/.state}"
KAFKA_LIBS_DIR="${KAFKA_LIBS_DIR:-$HERE/.libs}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms512m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-60}"
KAFKA_OPTS="${KAFKA_OPTS:-}"
KAFKA_JVM_PERFORMANCE_OPTS="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}"
KAFKA_EXTRA_CONFIG="${KAFKA_EXTRA_CONFIG:-}"
KAFKA_CLUSTER_ID="${KAFKA_CLUSTER_ID:-}"
KAFKA_SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-}"
KAFKA_SASL_USER="${KAFKA_SASL_USER:-backbone}"
KAFKA_SASL_PASSWORD="${KAFKA_SASL_PASSWORD:-}"
MVN="${MVN:-mvn}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

KAFKA_STATE_DIR="$(abspath "$KAFKA_STATE_DIR")"
KAFKA_LIBS_DIR="$(abspath "$KAFKA_LIBS_DIR")"

POM="$HERE/pom.xml"
STAMP="$KAFKA_LIBS_DIR/.pom.sha256"
CONF="$KAFKA_STATE_DIR/server.properties"
DATA="$KAFKA_STATE_DIR/data"
LOGS="$KAFKA_STATE_DIR/logs"
LOG="$LOGS/server.log"
PIDFILE="$KAFKA_STATE_DIR/kafka.pid"
ENDPOINT_FILE="$KAFKA_STATE_DIR/kafka.endpoint"
LOCKFILE="$KAFKA_STATE_DIR/.lock"
DAEMON_NAME="kafka"
DAEMON_STATE_DIR="$KAFKA_STATE_DIR"
DAEMON_SIGNATURE=" kafka.Kafka $CONF"
DAEMON_START_TIMEOUT="$KAFKA_START_TIMEOUT"
DAEMON_STOP_TIMEOUT="$KAFKA_STOP_TIMEOUT"
DAEMON_ENDPOINT="$KAFKA_HOST:$KAFKA_PORT"
TLS="$KAFKA_STATE_DIR/tls"
CA_FILE="$TLS/ca.crt"
PASSWORD_FILE="$TLS/sasl.password"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

usage() {
  cat <<EOF
Usage: $PROG COMMAND [ARGS...]

Runs a real single-node Apache Kafka broker (KRaft mode, broker+controller in
one JVM) from Maven Central jars, for local development and integration tests.

Commands:
  fetch        Download the broker jars (mvn copy-dependencies of pom.xml) into
               \$KAFKA_LIBS_DIR. Skipped when the sha256 of pom.xml matches the
               stamp from the last fetch; on a change the folder is wiped first.
  start        fetch, write server.properties into \$KAFKA_STATE_DIR, format the
               storage once (only if data/meta.properties is absent), start the
               broker in the background and wait until it accepts connections
               on \$KAFKA_HOST:\$KAFKA_PORT and has logged "Kafka Server started".
               Fails with the log tail if the JVM dies or after
               \$KAFKA_START_TIMEOUT seconds. If already running: says so, exit 0.
  stop         SIGTERM the broker (clean shutdown), SIGKILL after
               \$KAFKA_STOP_TIMEOUT seconds, remove the pid file. No-op if stopped.
  restart      stop, then start.
  status       Print "running pid N on HOST:PORT" (exit 0) or "stopped" (exit 1).
  reset        stop, then delete \$KAFKA_STATE_DIR (all topics, offsets, logs).
  logs [-f|N]  Show the last N (default 100) lines of the broker log; -f follows.
  ca-file      Print the path of the throw-away CA certificate that signed the
               SASL_SSL listener's certificate (clients' ssl_cafile).
  password-file
               Print the path of the file holding the SCRAM user's password.
  run CMD...   start, run CMD, stop the broker on exit (also on failure or
               Ctrl-C) and exit with CMD's exit code. If the broker was already
               running before 'run', it is left running.
  help         This text (also -h, --help).

Environment (defaults in brackets):
  KAFKA_HOST             listen/advertise address [127.0.0.1]; use an IP, not
                         "localhost", to avoid clients trying ::1 first
  KAFKA_PORT             client (PLAINTEXT) port [9092]
  KAFKA_CONTROLLER_PORT  KRaft controller port [9093]
  KAFKA_STATE_DIR        config, data, logs, pid file [infra/kafka/.state]
  KAFKA_LIBS_DIR         broker jars [infra/kafka/.libs]
  KAFKA_HEAP_OPTS        JVM heap [-Xms512m -Xmx512m]
  KAFKA_START_TIMEOUT    seconds to wait for readiness [120]
  KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL [60]
  KAFKA_OPTS             extra JVM options for the broker [], e.g.
                         -XX:TieredStopAtLevel=1 starts ~1 s faster
  KAFKA_JVM_PERFORMANCE_OPTS  GC/JIT flags [upstream's: -server -XX:+UseG1GC ...]
  KAFKA_EXTRA_CONFIG     extra server.properties lines (newline-separated
                         key=value), appended last so they override []
  KAFKA_CLUSTER_ID       cluster id used when formatting [random]
  KAFKA_SASL_SSL_PORT    if set, a SASL_SSL listener (SCRAM-SHA-512 over TLS) on
                         this port beside PLAINTEXT []; its CA, certificate and
                         keystore are made with openssl into \$KAFKA_STATE_DIR/tls
  KAFKA_SASL_USER        the SCRAM-SHA-512 user created at format time [backbone]
  KAFKA_SASL_PASSWORD    its password, used at format time only [random, kept in
                         \$KAFKA_STATE_DIR/tls/sasl.password]
  JAVA_HOME              Java 17+ to use [java on PATH]
  MVN                    Maven executable [mvn]

Client bootstrap: \$KAFKA_HOST:\$KAFKA_PORT (127.0.0.1:9092 by default).
Topics are NOT auto-created (auto.create.topics.enable=false); new topics get
3 partitions by default. Files: log \$KAFKA_STATE_DIR/logs/server.log,
config \$KAFKA_STATE_DIR/server.properties.
EOF
}

# ---------------------------------------------------------------- helpers

require_java() {
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (need Java 17+; set JAVA_HOME)"
}

# ---------------------------------------------------------------- commands

cmd_fetch() {
  local sum tmp t0
  [ -f "$POM" ] || die "missing $POM"
  sum="$(sha256sum "$POM" | awk '{print $1}')"
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$sum" ] \
     && compgen -G "$KAFKA_LIBS_DIR/kafka_2.13-*.jar" >/dev/null; then
    [ "${1:-}" = "-v" ] && say "kafka jars in $KAFKA_LIBS_DIR are up to date"
    return 0
  fi
  command -v "$MVN" >/dev/null 2>&1 || die "maven ($MVN) not found"
  say "fetching kafka jars into $KAFKA_LIBS_DIR (pom changed or first run)"
  t0="$(now)"
  tmp="$KAFKA_LIBS_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # Run from $HERE so no stray .mvn / project config of the caller applies.
  # Maven's output is kept out of the way and shown only on failure.
  if ! (cd "$HERE" && "$MVN" -B -ntp -Dstyle.color=never -f "$POM" "$DEP_PLUGIN:copy-dependencies" \
          -DincludeScope=runtime -DoutputDirectory="$tmp" >"$tmp/.mvn.log" 2>&1); then
    sed 's/\x1b\[[0-9;]*m//g' "$tmp/.mvn.log" | tail -n 40 >&2
    rm -rf "$tmp"
    die "mvn copy-dependencies failed (is Maven Central reachable?)"
  fi
  rm -f "$tmp/.mvn.log"
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || { rm -rf "$tmp"; die "no kafka_2.13 jar after fetch"; }
  echo "$sum" >"$tmp/.pom.sha256"
  rm -rf "$KAFKA_LIBS_DIR"
  mv "$tmp" "$KAFKA_LIBS_DIR"
  say "fetched $(find "$KAFKA_LIBS_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$KAFKA_LIBS_DIR" | cut -f1)) in $(elapsed "$t0") s"
}

# A throw-away CA and the broker's certificate (for $KAFKA_HOST) signed by it,
# made once per state dir; the broker's certificate again when KAFKA_HOST
# changes. EC keys: made in milliseconds. The keystore is PKCS12, which Kafka
# reads without keytool.
make_tls() {
  local san
  mkdir -p "$TLS"
  chmod 700 "$TLS"
  if [ ! -f "$CA_FILE" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
      -subj "/CN=backbone throw-away CA" -keyout "$TLS/ca.key" -out "$CA_FILE" 2>/dev/null \
      || die "openssl could not make the CA"
    rm -f "$TLS/broker.host"
  fi
  [ "$(cat "$TLS/broker.host" 2>/dev/null)" = "$KAFKA_HOST" ] && return 0
  if [[ "$KAFKA_HOST" =~ ^[0-9.]+$ || "$KAFKA_HOST" == *:* ]]; then san="IP:$KAFKA_HOST"; else san="DNS:$KAFKA_HOST"; fi
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$KAFKA_HOST" \
    -keyout "$TLS/broker.key" -out "$TLS/broker.csr" 2>/dev/null || die "openssl could not make the broker key"
  openssl x509 -req -in "$TLS/broker.csr" -CA "$CA_FILE" -CAkey "$TLS/ca.key" -CAcreateserial \
    -days 825 -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san") \
    -out "$TLS/broker.crt" 2>/dev/null || die "openssl could not sign the broker certificate"
  [ -f "$TLS/keystore.password" ] || (umask 077; openssl rand -hex 16 >"$TLS/keystore.password")
  openssl pkcs12 -export -in "$TLS/broker.crt" -inkey "$TLS/broker.key" -certfile "$CA_FILE" \
    -name broker -passout "file:$TLS/keystore.password" -out "$TLS/broker.p12" \
    || die "openssl could not write the keystore"
  echo "$KAFKA_HOST" >"$TLS/broker.host"
}

write_config() {
  mkdir -p "$DATA" "$LOGS"
  local h="$KAFKA_HOST" p="$KAFKA_PORT" c="$KAFKA_CONTROLLER_PORT" s="$KAFKA_SASL_SSL_PORT" clients
  clients="PLAINTEXT://$h:$p${s:+,SASL_SSL://$h:$s}"
  cat >"$CONF.tmp" <<EOF
# Generated by infra/kafka/kafka.sh on every start; edits are overwritten.
# Single-node KRaft test broker (combined broker + controller).
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$h:$c
listeners=$clients,CONTROLLER://$h:$c
advertised.listeners=$clients,CONTROLLER://$h:$c
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
log.dirs=$DATA

# Topics: the project creates its own.
auto.create.topics.enable=false
num.partitions=3
default.replication.factor=1
min.insync.replicas=1

# Internal topics on a single node: RF 1, few partitions.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1

# Fast group joins for tests (default 3000 ms).
group.initial.rebalance.delay.ms=0

num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=168
EOF
  if [ -n "$s" ]; then
    cat >>"$CONF.tmp" <<EOF

# KAFKA_SASL_SSL_PORT: SCRAM-SHA-512 over TLS; the users live in the metadata
# log (created at format time). Broker and controller still talk PLAINTEXT.
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS/broker.p12
ssl.keystore.password=$(cat "$TLS/keystore.password")
ssl.client.auth=none
EOF
  fi
  if [ -n "$KAFKA_EXTRA_CONFIG" ]; then
    printf '\n# KAFKA_EXTRA_CONFIG\n%s\n' "$KAFKA_EXTRA_CONFIG" >>"$CONF.tmp"
  fi
  mv "$CONF.tmp" "$CONF"
}

storage_tool() {
  # shellcheck disable=SC2086
  "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$HERE/tools-log4j2.properties" \
    -cp "$KAFKA_LIBS_DIR/*" kafka.tools.StorageTool "$@"
}

format_storage() {
  local cid
  # Formatting is not idempotent: only format a fresh state dir. (Changing
  # KAFKA_PORT / KAFKA_CONTROLLER_PORT later is fine: tested.)
  [ -f "$DATA/meta.properties" ] && return 0
  cid="$KAFKA_CLUSTER_ID"
  if [ -z "$cid" ]; then
    cid="$(storage_tool random-uuid | tail -n1)"
  fi
  say "formatting storage in $DATA (cluster id $cid)"
  local scram=()
  if [ -n "$KAFKA_SASL_SSL_PORT" ]; then
    write_password
    scram=(--add-scram "SCRAM-SHA-512=[name=$KAFKA_SASL_USER,password=$(cat "$PASSWORD_FILE")]")
  fi
  storage_tool format --standalone -t "$cid" -c "$CONF" "${scram[@]}" >"$LOGS/format.log" 2>&1 \
    || { cat "$LOGS/format.log" >&2; die "storage format failed"; }
  if [ -n "$KAFKA_SASL_SSL_PORT" ]; then echo "$KAFKA_SASL_USER" >"$TLS/sasl.user"; fi
}

# The SCRAM user's password, kept in a 0600 file for clients (their *_FILE
# settings). --add-scram parses name=...,password=... itself, so the password
# is limited to characters that need no quoting there.
write_password() {
  [[ "$KAFKA_SASL_USER" =~ ^[A-Za-z0-9._-]+$ ]] || die "KAFKA_SASL_USER may hold only A-Z a-z 0-9 . _ -"
  if [ -n "$KAFKA_SASL_PASSWORD" ]; then
    [[ "$KAFKA_SASL_PASSWORD" =~ ^[A-Za-z0-9._~-]+$ ]] \
      || die "KAFKA_SASL_PASSWORD may hold only A-Z a-z 0-9 . _ ~ -"
  fi
  (
    umask 077
    if [ -n "$KAFKA_SASL_PASSWORD" ]; then
      printf '%s\n' "$KAFKA_SASL_PASSWORD" >"$PASSWORD_FILE"
    else
      openssl rand -hex 16 >"$PASSWORD_FILE"
    fi
  )
}

cmd_start() {
  local pid t0 waited
  t0="$(now)"
  lock
  if pid="$(daemon_pid)"; then
    say "already running pid $pid on $(cat "$ENDPOINT_FILE" 2>/dev/null || echo "$KAFKA_HOST:$KAFKA_PORT")"
    return 0
  fi
  rm -f "$PIDFILE"
  require_java
  cmd_fetch
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    die "port $KAFKA_HOST:$KAFKA_PORT is already in use by another process (set KAFKA_PORT)"
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then
    die "port $KAFKA_HOST:$KAFKA_CONTROLLER_PORT is already in use by another process (set KAFKA_CONTROLLER_PORT)"
  fi
  if [ -n "$KAFKA_SASL_SSL_PORT" ]; then
    command -v openssl >/dev/null 2>&1 || die "openssl not found (needed for KAFKA_SASL_SSL_PORT)"
    if port_open "$KAFKA_HOST" "$KAFKA_SASL_SSL_PORT"; then
      die "port $KAFKA_HOST:$KAFKA_SASL_SSL_PORT is already in use by another process (set KAFKA_SASL_SSL_PORT)"
    fi
    if [ -f "$DATA/meta.properties" ] && [ ! -f "$TLS/sasl.user" ]; then
      die "$KAFKA_STATE_DIR was formatted without a SCRAM user: reset it (or use another KAFKA_STATE_DIR) for the SASL_SSL listener"
    fi
    make_tls
  fi
  write_config
  format_storage
  [ -f "$LOG" ] && mv -f "$LOG" "$LOG.1"
  : >"$LOG"

  # Double fork + setsid: the JVM gets its own session (Ctrl-C in the caller's
  # terminal does not reach it) and is not our child (no zombie to reap). The
  # inner shell writes its own pid, which `exec` hands over to the JVM. fd 9
  # (our lock) is closed so the JVM does not hold the lock forever.
  # shellcheck disable=SC2086
  (
    cd "$KAFKA_STATE_DIR"
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" \
      nohup "$JAVA" $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS \
        -Dkafka.logs.dir="$LOGS" -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
        $KAFKA_OPTS -cp "$KAFKA_LIBS_DIR/*" kafka.Kafka "$CONF" \
        >>"$LOG" 2>&1 </dev/null 9>&- &
  )
  for _ in $(seq 50); do [ -s "$PIDFILE" ] && break; sleep 0.1; done
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] || die "broker did not start (no pid file)"
  echo "$KAFKA_HOST:$KAFKA_PORT" >"$ENDPOINT_FILE"

  while :; do
    if ! is_our_daemon "$pid"; then
      log_tail 60
      rm -f "$PIDFILE"
      die "broker process $pid died during startup (see $LOG)"
    fi
    if grep -q "Kafka Server started" "$LOG" && port_open "$KAFKA_HOST" "$KAFKA_PORT" \
       && { [ -z "$KAFKA_SASL_SSL_PORT" ] || port_open "$KAFKA_HOST" "$KAFKA_SASL_SSL_PORT"; }; then
      break
    fi
    waited="$(elapsed "$t0")"
    if awk -v w="$waited" -v t="$KAFKA_START_TIMEOUT" 'BEGIN { exit !(w >= t) }'; then
      log_tail 60
      err "broker not ready after ${KAFKA_START_TIMEOUT} s; stopping it"
      stop_pid "$pid"
      die "start timed out"
    fi
    sleep 0.2
  done
  say "kafka started in $(elapsed "$t0") s: pid $pid on $KAFKA_HOST:$KAFKA_PORT${KAFKA_SASL_SSL_PORT:+, SASL_SSL on $KAFKA_HOST:$KAFKA_SASL_SSL_PORT} (log: $LOG)"
}

cmd_ca_file() {
  [ -f "$CA_FILE" ] || die "no CA yet ($CA_FILE): start with KAFKA_SASL_SSL_PORT set"
  echo "$CA_FILE"
}

cmd_password_file() {
  [ -f "$PASSWORD_FILE" ] || die "no SCRAM user yet ($PASSWORD_FILE): start with KAFKA_SASL_SSL_PORT set"
  echo "$PASSWORD_FILE"
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
    ca-file) cmd_ca_file ;;
    password-file) cmd_password_file ;;
    help | -h | --help) usage ;;
    *) err "unknown command: $cmd"; usage >&2; exit 2 ;;
  esac
}

main "$@"
