# Shared helpers for a local PostgreSQL cluster that belongs to this project (sourced, not run).
# The server runs as the postgres user when we are root (initdb refuses root), listens on
# 127.0.0.1 only, and keeps its socket in its own folder.

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

pg_ensure_installed() {
  if ! pg_bin >/dev/null; then
    echo "Installing PostgreSQL (Debian package postgresql)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq postgresql >&2
  fi
  PG_BIN=$(pg_bin) || { echo "PostgreSQL binaries not found after install" >&2; return 1; }
  export PG_BIN
}

# Runs a PostgreSQL binary as the cluster's owner.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    # From /: the postgres user may not be able to enter the folder we are in (a mode-700 clone).
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

pg_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 30000 ))
    pg_port_free "$p" && { echo "$p"; return 0; }
  done
  return 1
}

# pg_start DATADIR PORT: creates the cluster if needed and starts it; idempotent.
pg_start() {
  local data=$1 port=$2
  pg_ensure_installed || return 1
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$data" && chmod 700 "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    pg_as_owner "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$data.initdb.log" 2>&1 \
      || pg_as_owner "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >"$data.initdb.log" 2>&1 \
      || { cat "$data.initdb.log" >&2; return 1; }
  fi
  if pg_as_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then return 0; fi
  pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -w -t 60 -l "$data/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c max_connections=300 -c fsync=${PG_FSYNC:-on} -c shared_buffers=256MB -c default_toast_compression=lz4" start >/dev/null \
    || { tail -20 "$data/server.log" >&2; return 1; }
}

pg_stop() {
  local data=$1
  [ -n "${PG_BIN:-}" ] || PG_BIN=$(pg_bin) || return 0
  [ -f "$data/postmaster.pid" ] && pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1
  return 0
}

pg_connection_string() { echo "Host=127.0.0.1;Port=$1;Username=postgres;Database=${2:-postgres}"; }
