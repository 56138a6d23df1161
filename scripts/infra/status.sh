#!/usr/bin/env bash
# Reports whether PostgreSQL, Redis, our Kafka broker and S3Mock are up. Exit 0 only if all four are.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=lib.sh
. "$ROOT/scripts/infra/lib.sh"

ok=0
if pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 1 2>/dev/null; then
  if [ "$(psql -X -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" 2>/dev/null)" = 1 ]; then
    echo "postgres  up    $PG_HOST:$PG_PORT (database $PG_DB present)"
  else
    echo "postgres  up    $PG_HOST:$PG_PORT (database $PG_DB MISSING)"; ok=1
  fi
else
  echo "postgres  DOWN  $PG_HOST:$PG_PORT"; ok=1
fi
if [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; then
  echo "redis     up    $REDIS_HOST:$REDIS_PORT"
else
  echo "redis     DOWN  $REDIS_HOST:$REDIS_PORT"; ok=1
fi
pid="$(kafka_running_pid || true)"
if [ -n "$pid" ]; then
  if node "$ROOT/scripts/infra/kafka-ready.mjs" --brokers "$KAFKA_BROKERS" --timeout 3 --quiet; then
    echo "kafka     up    $KAFKA_BROKERS (Kafka $KAFKA_VERSION, pid $pid, $KAFKA_DIR)"
  else
    echo "kafka     STARTING/UNHEALTHY  $KAFKA_BROKERS (pid $pid; logs $KAFKA_DIR/logs)"; ok=1
  fi
elif port_open "$KAFKA_PORT"; then
  echo "kafka     FOREIGN  port $KAFKA_PORT held by $(port_owner "$KAFKA_PORT")"; ok=1
else
  echo "kafka     DOWN  $KAFKA_BROKERS (Kafka $KAFKA_VERSION)"; ok=1
fi
pid="$(s3mock_running_pid || true)"
if [ -n "$pid" ]; then
  if s3mock_answers; then
    echo "s3mock    up    http://$S3MOCK_HOST:$S3MOCK_PORT (S3Mock $S3MOCK_VERSION, pid $pid, $S3MOCK_DIR)"
  else
    echo "s3mock    STARTING/UNHEALTHY  http://$S3MOCK_HOST:$S3MOCK_PORT (pid $pid; logs $S3MOCK_DIR/logs)"; ok=1
  fi
elif port_open "$S3MOCK_PORT"; then
  echo "s3mock    FOREIGN  port $S3MOCK_PORT held by $(port_owner "$S3MOCK_PORT")"; ok=1
else
  echo "s3mock    DOWN  http://$S3MOCK_HOST:$S3MOCK_PORT (S3Mock $S3MOCK_VERSION)"; ok=1
fi
exit $ok
