#!/usr/bin/env bash
# Brings up the real infrastructure the integration and end-to-end tests use:
#   PostgreSQL 127.0.0.1:5432 (database tessera_test), Redis 127.0.0.1:6379, and an Apache Kafka
#   broker (KRaft combined mode, one JVM) on 127.0.0.1:9092 with its controller on 127.0.0.1:9093,
#   and Adobe S3Mock (S3-compatible object store, one JVM) on 127.0.0.1:9090.
# Idempotent; about a second when everything is already up. Progress goes to stderr; the
# connection facts go to stdout as `export NAME=value` lines, so
#   eval "$(bash scripts/infra/up.sh)"
# sets them in the calling shell. They are also written to $TESSERA_CACHE/infra.env.
# See scripts/infra/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=lib.sh
. "$ROOT/scripts/infra/lib.sh"

t0=$(date +%s%N)
mkdir -p "$TESSERA_CACHE"
# One up.sh at a time on this machine (parallel test runs would race on the broker start).
exec 9>"$TESSERA_CACHE/up.lock"
flock -w 300 9 || die "another scripts/infra/up.sh has held $TESSERA_CACHE/up.lock for 5 minutes"

# ---------------------------------------------------------------- PostgreSQL
postgres_up() {
  if ! have pg_isready || ! have pg_ctlcluster; then
    info "PostgreSQL is not installed: installing Debian's postgresql"
    apt_install postgresql postgresql-client
  fi
  if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 1; then
    local ver
    ver="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)"
    [ -n "$ver" ] || die "PostgreSQL: no cluster under /etc/postgresql"
    info "PostgreSQL $ver is down: starting it"
    # 9>&-: daemons must not inherit the up.lock descriptor (they would hold the lock forever).
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start 9>&- || true
    wait_for 30 "PostgreSQL on $PG_HOST:$PG_PORT" pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 1
  fi
  local exists
  exists="$(psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" || die "PostgreSQL: cannot connect as postgres (trust auth expected)"
  if [ "$exists" != 1 ]; then
    # Two creators racing: the loser's 'already exists' is fine.
    psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE $PG_DB" 2>/dev/null \
      || [ "$(psql -X -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" = 1 ] \
      || die "PostgreSQL: could not create database $PG_DB"
    info "PostgreSQL: created database $PG_DB"
  fi
}

# ---------------------------------------------------------------- Redis
redis_up() {
  if ! have redis-server || ! have redis-cli; then
    info "Redis is not installed: installing Debian's redis-server"
    apt_install redis-server redis-tools
  fi
  if [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" != PONG ]; then
    if port_open "$REDIS_PORT"; then
      die "port $REDIS_PORT is taken by something that does not answer Redis PING: $(port_owner "$REDIS_PORT")"
    fi
    info "Redis is down: starting it"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log 9>&-
    wait_for 20 "Redis PING on $REDIS_HOST:$REDIS_PORT" redis_pong
  fi
}
redis_pong() { [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

# ---------------------------------------------------------------- Kafka
kafka_fetch_jars() {
  [ -f "$KAFKA_DIR/libs/.complete" ] && return 0
  have java || { info "Java is not installed: installing Debian's JRE 17"; apt_install openjdk-17-jre-headless; }
  have mvn || { info "Maven is not installed: installing Debian's maven"; apt_install maven; }
  info "Kafka $KAFKA_VERSION: fetching broker jars from Maven Central (once; cached in $KAFKA_DIR/libs)"
  local tmp="$KAFKA_DIR/libs.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  if ! mvn -q -B -f "$ROOT/infra/kafka/pom.xml" dependency:copy-dependencies \
      -Dkafka.version="$KAFKA_VERSION" -DincludeScope=runtime -DoutputDirectory="$tmp" >"$KAFKA_DIR/mvn.log" 2>&1; then
    tail -30 "$KAFKA_DIR/mvn.log" >&2
    rm -rf "$tmp"
    die "Kafka: mvn dependency:copy-dependencies failed (full log: $KAFKA_DIR/mvn.log)"
  fi
  [ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ] || die "Kafka: kafka_2.13-$KAFKA_VERSION.jar missing after mvn"
  touch "$tmp/.complete"
  rm -rf "$KAFKA_DIR/libs"
  mv "$tmp" "$KAFKA_DIR/libs"
}

kafka_render_config() {
  # Rendered every run; a running broker with a different config is restarted.
  mkdir -p "$KAFKA_DIR/config" "$KAFKA_DIR/logs" "$KAFKA_DIR/data"
  sed -e "s#@HOST@#$KAFKA_HOST#g" -e "s#@PORT@#$KAFKA_PORT#g" \
      -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" -e "s#@DATA_DIR@#$KAFKA_DIR/data#g" \
      "$ROOT/infra/kafka/server.properties.template" >"$KAFKA_DIR/config/server.properties.new"
  cp "$ROOT/infra/kafka/log4j2.properties" "$KAFKA_DIR/config/log4j2.properties"
  if cmp -s "$KAFKA_DIR/config/server.properties.new" "$KAFKA_DIR/config/server.properties"; then
    rm "$KAFKA_DIR/config/server.properties.new"
    KAFKA_CONFIG_CHANGED=0
  else
    mv "$KAFKA_DIR/config/server.properties.new" "$KAFKA_DIR/config/server.properties"
    KAFKA_CONFIG_CHANGED=1
  fi
}

kafka_format() {
  [ -f "$KAFKA_DIR/data/meta.properties" ] && return 0
  info "Kafka: formatting storage in $KAFKA_DIR/data"
  local cluster_id
  cluster_id="$(cd "$KAFKA_DIR" && java -cp 'libs/*' kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  [ -n "$cluster_id" ] || die "Kafka: StorageTool random-uuid printed nothing"
  (cd "$KAFKA_DIR" && java -Dlog4j2.configurationFile="$KAFKA_DIR/config/log4j2.properties" \
      -Dkafka.logs.dir="$KAFKA_DIR/logs" -cp 'libs/*' kafka.tools.StorageTool format \
      -t "$cluster_id" -c config/server.properties --ignore-formatted >"$KAFKA_DIR/logs/format.log" 2>&1) \
    || { cat "$KAFKA_DIR/logs/format.log" >&2; die "Kafka: storage format failed"; }
  echo "$cluster_id" >"$KAFKA_DIR/cluster.id"
}

kafka_start() {
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$p"; then
      local owner
      owner="$(port_owner_pid "$p")"
      if [ -n "$owner" ] && is_our_kafka "$owner"; then
        info "port $p is held by another Tessera Kafka (pid $owner, $(our_kafka_dir "$owner")): stopping it"
        stop_pid "$owner"
      else
        die "port $p is taken by something that is not our Kafka broker: $(port_owner "$p")
  stop it, or run with KAFKA_PORT=/KAFKA_CONTROLLER_PORT= set to free ports"
      fi
    fi
  done
  info "Kafka $KAFKA_VERSION: starting broker on $KAFKA_HOST:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT), logs in $KAFKA_DIR/logs"
  : >"$KAFKA_DIR/logs/stdout.log"
  # setsid: its own session, so the broker outlives this script and the test runner that called it.
  # The inner shell writes its own pid before exec'ing java, so the pid file names the JVM.
  (
    cd "$KAFKA_DIR"
    exec setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$KAFKA_DIR/kafka.pid" \
      java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
        -Djava.awt.headless=true -Dkafka.logs.dir="$KAFKA_DIR/logs" \
        -Dlog4j2.configurationFile="$KAFKA_DIR/config/log4j2.properties" \
        -Dtessera.kafka.dir="$KAFKA_DIR" \
        -cp "$KAFKA_DIR/libs/*" kafka.Kafka "$KAFKA_DIR/config/server.properties" \
        </dev/null >>"$KAFKA_DIR/logs/stdout.log" 2>&1 9>&-
  ) &
  for _ in $(seq 1 50); do [ -s "$KAFKA_DIR/kafka.pid" ] && break; sleep 0.1; done
  [ -s "$KAFKA_DIR/kafka.pid" ] || die "Kafka: no pid file written"
}

# kafka_ready PID TIMEOUT [RETURN_ON_EXIT_CODE]: waits for the broker and creates the topics. With a
# third argument, returns that code (instead of failing) when the watched broker process exits.
kafka_ready() {
  local pid="$1" timeout="$2" soft="${3:-}" rc=0
  node "$ROOT/scripts/infra/kafka-ready.mjs" --brokers "$KAFKA_BROKERS" --timeout "$timeout" \
    --topics-file "$ROOT/infra/kafka/topics.txt" ${pid:+--pid "$pid"} || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "---- last lines of $KAFKA_DIR/logs/stdout.log and server.log:" >&2
    tail -20 "$KAFKA_DIR/logs/stdout.log" >&2 2>/dev/null || true
    tail -20 "$KAFKA_DIR/logs/server.log" >&2 2>/dev/null || true
    if [ "$rc" -eq 2 ]; then
      [ -n "$soft" ] && return "$soft"
      die "Kafka: the broker exited during startup"
    fi
    [ "$rc" -eq 3 ] && die "Kafka: kafkajs is not installed: run npm ci at the repo root first"
    die "Kafka: broker not ready on $KAFKA_BROKERS"
  fi
}

java_ok() {
  local v
  v="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
  [ -n "$v" ] && [ "$v" -ge 17 ]
}

kafka_up() {
  mkdir -p "$KAFKA_DIR"
  kafka_fetch_jars
  local pid
  kafka_render_config
  pid="$(kafka_running_pid || true)"
  if [ -n "$pid" ] && [ "$KAFKA_CONFIG_CHANGED" = 1 ]; then
    info "Kafka: broker config changed: restarting the broker (pid $pid)"
    stop_pid "$pid"
    pid=""
  fi
  if [ -n "$pid" ]; then
    kafka_ready "" 30
    return 0
  fi
  rm -f "$KAFKA_DIR/kafka.pid"
  have java || { info "Java is not installed: installing Debian's JRE 17"; apt_install openjdk-17-jre-headless; }
  java_ok || die "Kafka $KAFKA_VERSION needs Java 17 or newer; 'java -version' says: $(java -version 2>&1 | head -1)"
  # Topics left behind by test runs pile up in the persistent data dir and slow every start: past a
  # limit, start from empty storage (it holds only test data).
  local entries
  entries="$(find "$KAFKA_DIR/data" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
  if [ "$entries" -gt "${KAFKA_MAX_DATA_DIRS:-3000}" ]; then
    info "Kafka: $entries partition directories in $KAFKA_DIR/data: wiping broker data (test data only)"
    rm -rf "$KAFKA_DIR/data" "$KAFKA_DIR/cluster.id"
    mkdir -p "$KAFKA_DIR/data"
  fi
  kafka_format
  kafka_start
  if ! kafka_ready "$(cat "$KAFKA_DIR/kafka.pid")" 60 2; then
    # The broker died while starting: most often storage left inconsistent by a killed broker or a
    # format from another version. The data is disposable: wipe it and try once more.
    info "Kafka: the broker exited during startup: wiping $KAFKA_DIR/data and retrying once"
    rm -rf "$KAFKA_DIR/data" "$KAFKA_DIR/cluster.id" "$KAFKA_DIR/kafka.pid"
    mkdir -p "$KAFKA_DIR/data"
    kafka_format
    kafka_start
    kafka_ready "$(cat "$KAFKA_DIR/kafka.pid")" 60
  fi
  info "Kafka: ready (pid $(cat "$KAFKA_DIR/kafka.pid"))"
}

# ---------------------------------------------------------------- S3Mock (object storage)
s3mock_fetch_jars() {
  [ -f "$S3MOCK_DIR/libs/.complete" ] && return 0
  have java || { info "Java is not installed: installing Debian's JRE 17"; apt_install openjdk-17-jre-headless; }
  have mvn || { info "Maven is not installed: installing Debian's maven"; apt_install maven; }
  info "S3Mock $S3MOCK_VERSION: fetching its jars from Maven Central (once; cached in $S3MOCK_DIR/libs)"
  local tmp="$S3MOCK_DIR/libs.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  if ! mvn -q -B -f "$ROOT/infra/s3mock/pom.xml" dependency:copy-dependencies \
      -Ds3mock.version="$S3MOCK_VERSION" -DincludeScope=runtime -DoutputDirectory="$tmp" >"$S3MOCK_DIR/mvn.log" 2>&1; then
    tail -30 "$S3MOCK_DIR/mvn.log" >&2
    rm -rf "$tmp"
    die "S3Mock: mvn dependency:copy-dependencies failed (full log: $S3MOCK_DIR/mvn.log)"
  fi
  [ -f "$tmp/s3mock-$S3MOCK_VERSION.jar" ] || die "S3Mock: s3mock-$S3MOCK_VERSION.jar missing after mvn"
  touch "$tmp/.complete"
  rm -rf "$S3MOCK_DIR/libs"
  mv "$tmp" "$S3MOCK_DIR/libs"
}

s3mock_up() {
  mkdir -p "$S3MOCK_DIR"
  s3mock_fetch_jars
  local pid
  pid="$(s3mock_running_pid || true)"
  if [ -n "$pid" ]; then
    wait_for 30 "S3Mock on $S3MOCK_HOST:$S3MOCK_PORT" s3mock_answers
    return 0
  fi
  rm -f "$S3MOCK_DIR/s3mock.pid"
  if port_open "$S3MOCK_PORT"; then
    local owner
    owner="$(port_owner_pid "$S3MOCK_PORT")"
    if [ -n "$owner" ] && is_our_s3mock "$owner"; then
      info "port $S3MOCK_PORT is held by another Tessera S3Mock (pid $owner, $(our_s3mock_dir "$owner")): stopping it"
      stop_pid "$owner"
    else
      die "port $S3MOCK_PORT is taken by something that is not our S3Mock: $(port_owner "$S3MOCK_PORT")
  stop it, or run with S3MOCK_PORT= set to a free port"
    fi
  fi
  java_ok || die "S3Mock $S3MOCK_VERSION needs Java 17 or newer; 'java -version' says: $(java -version 2>&1 | head -1)"
  mkdir -p "$S3MOCK_DIR/logs" "$S3MOCK_DIR/data"
  info "S3Mock $S3MOCK_VERSION: starting on $S3MOCK_HOST:$S3MOCK_PORT (objects in $S3MOCK_DIR/data), logs in $S3MOCK_DIR/logs"
  : >"$S3MOCK_DIR/logs/stdout.log"
  # http.port is S3Mock's plain-HTTP connector (what the tests use); server.port is its HTTPS one,
  # 0 = any free port. Objects are test data: kept across restarts of the JVM, never needed.
  (
    cd "$S3MOCK_DIR"
    exec setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$S3MOCK_DIR/s3mock.pid" \
      java $S3MOCK_HEAP_OPTS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError \
        -Djava.awt.headless=true -Dtessera.s3mock.dir="$S3MOCK_DIR" \
        -cp "$S3MOCK_DIR/libs/*" "$S3MOCK_MAIN" \
        --server.address="$S3MOCK_HOST" --server.port=0 --http.port="$S3MOCK_PORT" \
        --com.adobe.testing.s3mock.store.root="$S3MOCK_DIR/data" \
        --com.adobe.testing.s3mock.store.retainFilesOnExit=true \
        --spring.main.banner-mode=off --logging.level.root=WARN \
        </dev/null >>"$S3MOCK_DIR/logs/stdout.log" 2>&1 9>&-
  ) &
  for _ in $(seq 1 50); do [ -s "$S3MOCK_DIR/s3mock.pid" ] && break; sleep 0.1; done
  [ -s "$S3MOCK_DIR/s3mock.pid" ] || die "S3Mock: no pid file written"
  pid="$(cat "$S3MOCK_DIR/s3mock.pid")"
  local deadline=$(( $(date +%s) + 120 ))
  until s3mock_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -30 "$S3MOCK_DIR/logs/stdout.log" >&2
      die "S3Mock: the JVM exited during startup"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -30 "$S3MOCK_DIR/logs/stdout.log" >&2
      die "S3Mock: not answering on $S3MOCK_HOST:$S3MOCK_PORT after 120 s"
    fi
    sleep 0.3
  done
  info "S3Mock: ready (pid $pid)"
}

postgres_up
redis_up
kafka_up
s3mock_up

cat >"$TESSERA_CACHE/infra.env" <<EOF
export KAFKA_BROKERS=$KAFKA_BROKERS
export DATABASE_URL=postgres://postgres@$PG_HOST:$PG_PORT/$PG_DB
export REDIS_URL=redis://$REDIS_HOST:$REDIS_PORT
export S3_ENDPOINT=http://$S3MOCK_HOST:$S3MOCK_PORT
export S3_ACCESS_KEY=tessera-test
export S3_SECRET_KEY=tessera-test-secret
EOF
cat "$TESSERA_CACHE/infra.env"
info "infra up in $(( ($(date +%s%N) - t0) / 1000000 )) ms (PostgreSQL, Redis, Kafka $KAFKA_VERSION, S3Mock $S3MOCK_VERSION); env also in $TESSERA_CACHE/infra.env"
