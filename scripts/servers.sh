#!/usr/bin/env bash
# Starts (or stops) the real Redis and PostgreSQL servers the scale-out tests run against: loopback
# only, private data dirs under $SMMBOT_SERVERS_DIR (default ./.smmbot/servers), fixed ports, stopped by
# pid. Used by .ci/run and by hand (docs/deployment.md); needs `redis-server` and PostgreSQL from
# Debian (`apt-get install -y redis-server postgresql`). Prints the URLs to export.
#
#   bash scripts/servers.sh start    # then: export $(bash scripts/servers.sh env)
#   bash scripts/servers.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${SMMBOT_SERVERS_DIR:-$PWD/.smmbot/servers}"
REDIS_PORT="${SMMBOT_REDIS_PORT:-6390}"
PG_PORT="${SMMBOT_PG_PORT:-5440}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"

as_postgres() {
  # initdb refuses to run as root; a non-root user runs it directly.
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

start_redis() {
  mkdir -p "$DIR/redis"
  if redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then return; fi
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --pidfile "$DIR/redis/redis.pid" \
    --dir "$DIR/redis" --save '' --appendonly no --logfile "$DIR/redis/redis.log"
  for _ in $(seq 1 100); do
    redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && return
    sleep 0.1
  done
  echo "redis did not start: $(tail -5 "$DIR/redis/redis.log")" >&2
  exit 1
}

start_postgres() {
  [ -n "$PG_BIN" ] || { echo "PostgreSQL binaries not found (apt-get install -y postgresql)" >&2; exit 1; }
  # A server already answering on the port (started earlier, perhaps from another checkout) is reused.
  if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then return; fi
  mkdir -p "$DIR/pg"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$DIR/pg"; fi
  if [ ! -f "$DIR/pg/data/PG_VERSION" ]; then
    as_postgres "'$PG_BIN/initdb' -D '$DIR/pg/data' -A trust -U postgres >'$DIR/pg/initdb.log'"
  fi
  if as_postgres "'$PG_BIN/pg_ctl' -D '$DIR/pg/data' status" >/dev/null 2>&1; then return; fi
  as_postgres "'$PG_BIN/pg_ctl' -D '$DIR/pg/data' -l '$DIR/pg/server.log' -w start \
    -o '-c listen_addresses=127.0.0.1 -p $PG_PORT -k $DIR/pg -c max_connections=200 -c fsync=off'" >/dev/null
}

case "${1:-}" in
  start)
    start_redis
    start_postgres
    echo "redis on 127.0.0.1:$REDIS_PORT, postgres on 127.0.0.1:$PG_PORT (data in $DIR)" >&2
    ;;
  stop)
    if [ -f "$DIR/redis/redis.pid" ]; then kill "$(cat "$DIR/redis/redis.pid")" 2>/dev/null || true; fi
    if [ -f "$DIR/pg/data/postmaster.pid" ]; then
      as_postgres "'$PG_BIN/pg_ctl' -D '$DIR/pg/data' -m fast stop" >/dev/null 2>&1 || true
    fi
    ;;
  env)
    echo "SMMBOT_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
    echo "SMMBOT_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
    ;;
  *)
    echo "usage: $0 start|stop|env" >&2
    exit 2
    ;;
esac
