#!/usr/bin/env bash
# scripts/db.sh start|stop|status|url: the project's local PostgreSQL (port 54329 or $EVENTHISTORY_PG_PORT).
# Its data live in .data/pg, or in $EVENTHISTORY_DATA/pg; when the server's user (postgres, since
# initdb refuses root) cannot enter that folder (a clone under root's home or any mode-700 folder),
# in /var/lib/eventhistory/<a hash of the folder>/pg instead, and `status` says where.
# `start` prints the Npgsql connection string as its last line; `url` prints it without starting.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/pg.sh"
state=${EVENTHISTORY_DATA:-$root/.data}
port=${EVENTHISTORY_PG_PORT:-54329}

# Where the cluster's files go: beside the project when the postgres user can reach them.
data_dir() {
  mkdir -p "$state"
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$state" 2>/dev/null; then
    echo "$state/pg"
  else
    echo "/var/lib/eventhistory/$(printf %s "$state" | cksum | cut -d' ' -f1)/pg"
  fi
}

case "${1:-}" in
  start)
    pg_ensure_installed
    data=$(data_dir)
    [ "$(id -u)" -eq 0 ] && [ "$data" = "$state/pg" ] && chmod 755 "$state"
    mkdir -p "$(dirname "$data")"
    pg_start "$data" "$port"
    pg_as_owner "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
      "select 1 from pg_database where datname = 'eventhistory'" | grep -q 1 \
      || pg_as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres eventhistory
    pg_connection_string "$port" eventhistory ;;
  url) pg_connection_string "$port" eventhistory ;;
  stop) pg_stop "$(data_dir)" ;;
  status) data=$(data_dir); echo "data: $data"; pg_ensure_installed && pg_as_owner "$PG_BIN/pg_ctl" -D "$data" status ;;
  *) echo "usage: scripts/db.sh start|stop|status|url" >&2; exit 2 ;;
esac
