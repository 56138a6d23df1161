#!/usr/bin/env bash
# Stops the Kafka broker and S3Mock that scripts/infra/up.sh started (every version's, found by pid file
# under $TESSERA_CACHE). PostgreSQL and Redis are the machine's services and are left running.
#   bash scripts/infra/down.sh            stop the broker; keep jars and broker data
#   bash scripts/infra/down.sh --purge    also delete the broker data (topics, offsets) and S3Mock's objects; jars stay
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=lib.sh
. "$ROOT/scripts/infra/lib.sh"

purge=0
[ "${1:-}" = --purge ] && purge=1
stopped=0
for pidfile in "$TESSERA_CACHE"/kafka-*/kafka.pid; do
  [ -f "$pidfile" ] || continue
  dir="$(dirname "$pidfile")"
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && is_our_kafka "$pid" && [ "$(our_kafka_dir "$pid")" = "$dir" ]; then
    info "stopping Kafka (pid $pid, $dir)"
    stop_pid "$pid"
    stopped=1
  fi
  rm -f "$pidfile"
done
[ "$stopped" = 1 ] || info "no Tessera Kafka broker running"
s3stopped=0
for pidfile in "$TESSERA_CACHE"/s3mock-*/s3mock.pid; do
  [ -f "$pidfile" ] || continue
  dir="$(dirname "$pidfile")"
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && is_our_s3mock "$pid" && [ "$(our_s3mock_dir "$pid")" = "$dir" ]; then
    info "stopping S3Mock (pid $pid, $dir)"
    stop_pid "$pid"
    s3stopped=1
  fi
  rm -f "$pidfile"
done
[ "$s3stopped" = 1 ] || info "no Tessera S3Mock running"
if [ "$purge" = 1 ]; then
  for dir in "$TESSERA_CACHE"/kafka-*/; do
    [ -d "$dir/data" ] || continue
    info "deleting broker data $dir/data"
    rm -rf "$dir/data" "$dir/cluster.id"
  done
  for dir in "$TESSERA_CACHE"/s3mock-*/; do
    [ -d "$dir/data" ] || continue
    info "deleting S3Mock objects $dir/data"
    rm -rf "$dir/data"
  done
fi
