# Shared settings and helpers for scripts/infra/{up,down,status}.sh. Sourced, not run.
# shellcheck shell=bash

# Kafka 4.x: KRaft only, the current line; kafkajs 2.2.4 negotiates API versions that 4.x still serves.
KAFKA_VERSION="${KAFKA_VERSION:-4.3.1}"
# Outside the clone, so fresh CI clones on the same machine reuse the jars and broker data.
TESSERA_CACHE="${TESSERA_CACHE:-${HOME:-/root}/.cache/tessera}"
KAFKA_DIR="$TESSERA_CACHE/kafka-$KAFKA_VERSION"
KAFKA_HOST=127.0.0.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_BROKERS="$KAFKA_HOST:$KAFKA_PORT"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
# Adobe S3Mock (com.adobe.testing:s3mock, Spring Boot): the S3-compatible object store the ingestion
# service's tests write uploaded files to. 4.x runs on Java 17. Path-style, any credentials.
S3MOCK_VERSION="${S3MOCK_VERSION:-4.11.0}"
S3MOCK_DIR="$TESSERA_CACHE/s3mock-$S3MOCK_VERSION"
S3MOCK_HOST=127.0.0.1
S3MOCK_PORT="${S3MOCK_PORT:-9090}"
S3MOCK_HEAP_OPTS="${S3MOCK_HEAP_OPTS:--Xms64m -Xmx384m}"
S3MOCK_MAIN=com.adobe.testing.s3mock.S3MockApplication
PG_HOST=127.0.0.1
PG_PORT=5432
PG_DB=tessera_test
REDIS_HOST=127.0.0.1
REDIS_PORT="${REDIS_PORT:-6379}"

info() { echo "[infra] $*" >&2; }
die() { echo "[infra] ERROR: $*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

APT_UPDATED=0
apt_install() {
  [ "$(id -u)" = 0 ] || die "need root to apt-get install $*"
  if [ "$APT_UPDATED" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 9>&- || die "apt-get update failed"
    APT_UPDATED=1
  fi
  # 9>&-: a package may start its service, which must not inherit up.sh's lock descriptor.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 9>&- || die "apt-get install $* failed"
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s.
wait_for() {
  local secs="$1" what="$2"
  shift 2
  local deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "timed out after ${secs}s waiting for $what"
    sleep 0.2
  done
}

# Something listening on 127.0.0.1:PORT?
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_owner_pid() {
  have ss || return 0
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2
}
port_owner() {
  local pid
  pid="$(port_owner_pid "$1")"
  if [ -n "$pid" ]; then
    echo "pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-300)"
  else
    echo "unknown process (ss shows no owner)"
  fi
}

# A JVM started by up.sh carries -Dtessera.kafka.dir=<its cache dir> on its command line.
our_kafka_dir() {
  tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | sed -n 's/^-Dtessera\.kafka\.dir=//p' | head -1
}
is_our_kafka() { [ -n "$(our_kafka_dir "$1")" ] && tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -qx kafka.Kafka; }

# Pid of this version's broker if its pid file names a live broker of ours, else nothing (status 1).
kafka_running_pid() {
  local pid
  pid="$(cat "$KAFKA_DIR/kafka.pid" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && is_our_kafka "$pid" \
    && [ "$(our_kafka_dir "$pid")" = "$KAFKA_DIR" ] && { echo "$pid"; return 0; }
  return 1
}

# A JVM started by up.sh for S3Mock carries -Dtessera.s3mock.dir=<its cache dir>.
our_s3mock_dir() {
  tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | sed -n 's/^-Dtessera\.s3mock\.dir=//p' | head -1
}
is_our_s3mock() { [ -n "$(our_s3mock_dir "$1")" ] && tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -qx "$S3MOCK_MAIN"; }
s3mock_running_pid() {
  local pid
  pid="$(cat "$S3MOCK_DIR/s3mock.pid" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && is_our_s3mock "$pid" \
    && [ "$(our_s3mock_dir "$pid")" = "$S3MOCK_DIR" ] && { echo "$pid"; return 0; }
  return 1
}
# S3 ListBuckets answers 200 with XML: the server is up and serving requests.
s3mock_answers() {
  curl -fsS -m 2 -o /dev/null "http://$S3MOCK_HOST:$S3MOCK_PORT/" 2>/dev/null
}

# SIGTERM (controlled shutdown), then SIGKILL after 30 s.
stop_pid() {
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  info "pid $pid did not stop in 30 s: killing it"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.2
}
