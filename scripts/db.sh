#!/usr/bin/env bash
# scripts/db.sh start|stop|status: the project's local PostgreSQL under .data/ (port 54329 or $EVENTHISTORY_PG_PORT).
# `start` prints the Npgsql connection string as its last line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/pg.sh"
data="$root/.data/pg"
port=${EVENTHISTORY_PG_PORT:-54329}

case "${1:-}" in
  start)
    mkdir -p "$root/.data"
    [ "$(id -u)" -eq 0 ] && chmod 755 "$root/.data"
    pg_start "$data" "$port"
    pg_as_owner "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
      "select 1 from pg_database where datname = 'eventhistory'" | grep -q 1 \
      || pg_as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres eventhistory
    pg_connection_string "$port" eventhistory ;;
  stop) pg_stop "$data" ;;
  status) pg_ensure_installed && pg_as_owner "$PG_BIN/pg_ctl" -D "$data" status ;;
  *) echo "usage: scripts/db.sh start|stop|status" >&2; exit 2 ;;
esac
