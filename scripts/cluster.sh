#!/usr/bin/env bash
# scripts/cluster.sh up|down|status: the topology of several machines, on this one (loopback only):
# etcd, two PostgreSQL 15 nodes under Patroni (synchronous replication, automatic failover),
# HAProxy (a write port to the primary, a read port to the replica, an HTTP frontend) and two
# service processes behind it. docs/cluster.md has the layout.
#   CLUSTER_DIR        state (data, configs, logs, pid files); default .data/cluster, or
#                      /var/lib/eventhistory/<hash>/cluster when the postgres user cannot enter it
#   CLUSTER_BASE_PORT  first of the 12 ports it uses (default 26400; below the ephemeral range, where
#                      a health check to a port not yet listening can connect to itself); remembered by the first `up`
#   CLUSTER_FSYNC      PostgreSQL's fsync (default on; tests turn it off: a kill -9 keeps the page cache)
#   CLUSTER_TIMEOUT    seconds `up` waits for each part to be ready (default 120)
# `up` starts what is not running and waits until all of it serves; its last line is the
# frontend's URL. `down` stops everything `up` started (data are kept). `status` names the leader
# and the replica and their replication state.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
templates="$root/scripts/cluster"
. "$root/scripts/pg.sh"

state=${EVENTHISTORY_DATA:-$root/.data}
if [ -n "${CLUSTER_DIR:-}" ]; then dir=$CLUSTER_DIR
else
  mkdir -p "$state"
  # As scripts/db.sh: PostgreSQL runs as postgres, which may not enter a mode-700 clone.
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$state" 2>/dev/null; then dir="$state/cluster"
  else dir="/var/lib/eventhistory/$(printf %s "$state" | cksum | cut -d' ' -f1)/cluster"; fi
fi
timeout=${CLUSTER_TIMEOUT:-120}
scope="eh-$(printf %s "$dir" | cksum | cut -d' ' -f1)"   # also PostgreSQL's cluster_name: its processes say it

# The port layout, fixed by the first `up` in cluster.env (which the tests read too).
layout() {
  if [ -f "$dir/cluster.env" ]; then . "$dir/cluster.env"; return; fi
  local b=${CLUSTER_BASE_PORT:-26400}
  ETCD_PORT=$b ETCD_PEER_PORT=$((b+1)) PG1_PORT=$((b+2)) PG2_PORT=$((b+3)) REST1_PORT=$((b+4)) REST2_PORT=$((b+5))
  WRITE_PORT=$((b+6)) READ_PORT=$((b+7)) HTTP_PORT=$((b+8)) STATS_PORT=$((b+9)) API1_PORT=$((b+10)) API2_PORT=$((b+11))
}
ports() { echo ETCD_PORT ETCD_PEER_PORT PG1_PORT PG2_PORT REST1_PORT REST2_PORT WRITE_PORT READ_PORT HTTP_PORT STATS_PORT API1_PORT API2_PORT; }

# A process killed with -9 whose parent is gone stays a zombie where nothing reaps orphans (as in
# some containers): kill -0 still succeeds on it, so a zombie counts as dead, else `up` would wait
# for a "running" service that will never answer.
running() { kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]; }
alive() { [ -s "$1" ] && running "$(head -1 "$1")"; }

# Polls a command until it succeeds, for at most $timeout seconds.
wait_for() {
  local what=$1; shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "cluster: gave up after ${timeout}s waiting for $what" >&2; return 1; fi
    sleep 0.2
  done
}

# Starts a long-running program in the background, its output in LOG, its pid in PIDFILE.
# From /, with no terminal and no inherited output: whoever ran `up` gets its output back at once.
spawn() {
  local pidfile=$1 log=$2; shift 2
  (cd / && exec nohup "$@" >>"$log" 2>&1 </dev/null) &
  echo $! >"$pidfile"
}

# What runs a program as postgres when we are root (initdb refuses root); setpriv execs, so the
# pid spawn records is the program's own.
as_postgres=()
[ "$(id -u)" -eq 0 ] && as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups env HOME=/var/lib/postgresql)

fill() { # TEMPLATE OUT NAME=VALUE...: replaces each @NAME@
  local text; text=$(cat "$1"); local out=$2; shift 2
  for pair in "$@"; do text=${text//@${pair%%=*}@/${pair#*=}}; done
  printf '%s\n' "$text" >"$out"
}

ensure_installed() {
  command -v patroni >/dev/null && command -v etcd >/dev/null && command -v haproxy >/dev/null && return 0
  echo "Installing patroni, etcd-server and haproxy (Debian packages)..." >&2
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq patroni etcd-server haproxy >&2
}

# PORT APPLICATION-NAME: Npgsql's, failing fast while a failover is under way. Keepalive=1 pings idle
# pooled connections every second: HAProxy cuts the sessions of a node it marks down, and without
# the ping each dead connection left in the pool would fail one request after the failover.
connection() {
  echo "Host=127.0.0.1;Port=$1;Username=postgres;Password=postgres;Database=eventhistory;Timeout=3;Maximum Pool Size=60;Keepalive=1;Application Name=$2"
}

admin_key() { # KEYFILE: creates the cluster-admin key, or gives the one a failed try left a new secret
  (umask 077; export EVENTHISTORY_DB; EVENTHISTORY_DB=$(connection "$WRITE_PORT" eventhistory-cli)
   dotnet "$cli" keys create --name cluster-admin --role admin >"$1.new" 2>>"$dir/cli.log" \
     || dotnet "$cli" keys rotate cluster-admin >"$1.new" 2>>"$dir/cli.log") && [ -s "$1.new" ] && mv "$1.new" "$1"
}

patroni_cluster() { curl -sf --max-time 2 "http://127.0.0.1:$REST1_PORT/cluster" || curl -sf --max-time 2 "http://127.0.0.1:$REST2_PORT/cluster"; }

# A leader that runs and a synchronous standby: only then is a commit on both.
replicating() {
  patroni_cluster | /usr/bin/python3 -c '
import json, sys
m = json.load(sys.stdin)["members"]
ok = any(x["role"] == "leader" and x["state"] == "running" for x in m) and any(x["role"] == "sync_standby" and x["state"] in ("running", "streaming") for x in m)
sys.exit(0 if ok else 1)'
}

write_port_is_primary() { [ "$("$PG_BIN/psql" -h 127.0.0.1 -p "$WRITE_PORT" -U postgres -d postgres -tAc 'select pg_is_in_recovery()' 2>/dev/null)" = f ]; }

up() {
  ensure_installed
  pg_ensure_installed
  layout
  mkdir -p "$dir"
  chmod 755 "$dir"
  if [ ! -f "$dir/cluster.env" ]; then
    for name in $(ports); do
      pg_port_free "${!name}" || { echo "cluster: port ${!name} ($name) is taken; set CLUSTER_BASE_PORT" >&2; exit 1; }
    done
    for name in $(ports); do echo "$name=${!name}"; done >"$dir/cluster.env"
  fi
  local api="$root/src/EventHistory.Api/bin/Release/net10.0/EventHistory.Api.dll"
  local cli="$root/src/EventHistory.Cli/bin/Release/net10.0/EventHistory.Cli.dll"
  for project in Api Cli; do
    local dll="$root/src/EventHistory.$project/bin/Release/net10.0/EventHistory.$project.dll"
    [ -f "$dll" ] || { echo "Building EventHistory.$project..." >&2; dotnet build "$root/src/EventHistory.$project" -c Release -nologo -v q >&2; }
  done
  local started=$SECONDS

  # etcd: its own data folder and ports, whatever system etcd the package may have started.
  if ! alive "$dir/etcd.pid"; then
    mkdir -p "$dir/etcd"
    chmod 700 "$dir/etcd"
    spawn "$dir/etcd.pid" "$dir/etcd.log" etcd --name "$scope" --data-dir "$dir/etcd" \
      --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
      --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
      --initial-cluster "$scope=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-token "$scope" \
      --listen-metrics-urls "" --log-level warn
  fi
  wait_for "etcd on port $ETCD_PORT" curl -sf --max-time 2 "http://127.0.0.1:$ETCD_PORT/health"

  # Patroni, one per node: it initialises the first, clones the second and runs both.
  local n
  for n in 1 2; do
    local node="$dir/node$n" pg="PG${n}_PORT" rest="REST${n}_PORT"
    alive "$node/patroni.pid" && continue
    mkdir -p "$node"
    fill "$templates/patroni.yml" "$node/patroni.yml" SCOPE="$scope" NODE="node$n" REST_PORT="${!rest}" \
      ETCD_PORT="$ETCD_PORT" PG_PORT="${!pg}" NODE_DIR="$node" PG_BIN="$PG_BIN" FSYNC="${CLUSTER_FSYNC:-on}" \
      TTL=8 LOOP_WAIT=1 RETRY_TIMEOUT=3
    [ "$(id -u)" -eq 0 ] && chown -R postgres: "$node"
    chmod 700 "$node"
    spawn "$node/patroni.pid" "$node/patroni.log" "${as_postgres[@]}" patroni "$node/patroni.yml"
  done
  wait_for "a Patroni leader with a synchronous standby" replicating

  # HAProxy in the foreground of its own process (-db), so its pid file is ours and its log a file.
  fill "$templates/haproxy.cfg" "$dir/haproxy.cfg" TEMPLATES="$templates" CLUSTER_DIR="$dir" \
    $(for name in $(ports); do echo "$name=${!name}"; done)
  haproxy -c -q -f "$dir/haproxy.cfg"
  alive "$dir/haproxy.pid" || spawn "$dir/haproxy.pid" "$dir/haproxy.log" haproxy -db -f "$dir/haproxy.cfg"
  wait_for "the write port $WRITE_PORT to reach the primary" write_port_is_primary
  "$PG_BIN/psql" -h 127.0.0.1 -p "$WRITE_PORT" -U postgres -d postgres -tAc "select 1 from pg_database where datname = 'eventhistory'" | grep -q 1 \
    || "$PG_BIN/createdb" -h 127.0.0.1 -p "$WRITE_PORT" -U postgres eventhistory

  # The admin key, as scripts/run.sh makes its local one (this also creates the schema).
  # Retried: on a machine busy with builds the first try (which also migrates the schema) can time
  # out; a create that committed but failed to answer leaves a key to rotate. Errors go to cli.log.
  local keyfile="$dir/admin-key"
  [ -s "$keyfile" ] || wait_for "the admin key" admin_key "$keyfile"
  chmod 600 "$keyfile"

  # The service processes, one after the other: each migrates the schema as it starts.
  for n in 1 2; do
    local port="API${n}_PORT"
    if ! alive "$dir/api$n.pid"; then
      EVENTHISTORY_DB=$(connection "$WRITE_PORT" "eventhistory-api$n") EVENTHISTORY_READ_DB=$(connection "$READ_PORT" "eventhistory-api$n-read") \
        spawn "$dir/api$n.pid" "$dir/api$n.log" dotnet "$api" --urls "http://127.0.0.1:${!port}"
    fi
    wait_for "service process $n on port ${!port}" curl -sf --max-time 2 "http://127.0.0.1:${!port}/health/ready"
  done
  wait_for "the frontend on port $HTTP_PORT" curl -sf --max-time 2 "http://127.0.0.1:$HTTP_PORT/health/ready"
  echo "up in $((SECONDS - started)) s; state in $dir; admin key in $dir/admin-key" >&2
  echo "http://127.0.0.1:$HTTP_PORT"
}

# Stops a process by its pid file: TERM, then KILL after a grace period.
stop_pid() {
  local pidfile=$1 grace=${2:-15}
  alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  local pid; pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + grace))
  while running "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  while running "$pid"; do sleep 0.1; done
  rm -f "$pidfile"
}

# PostgreSQL's processes of this cluster (they carry its cluster_name), whoever their parent now is.
postgres_pids() { pgrep -u postgres -f "^postgres: $scope: " || true; }

down() {
  [ -d "$dir" ] || return 0
  layout
  local n
  stop_pid "$dir/api1.pid" & stop_pid "$dir/api2.pid" & wait
  stop_pid "$dir/haproxy.pid"
  # Both Patronis at once: neither promotes while the other stops, and each stops its PostgreSQL.
  stop_pid "$dir/node1/patroni.pid" 40 & stop_pid "$dir/node2/patroni.pid" 40 & wait
  for n in 1 2; do
    local pidfile="$dir/node$n/data/postmaster.pid"
    if alive "$pidfile"; then kill -KILL "$(head -1 "$pidfile")" 2>/dev/null || true; fi
  done
  local deadline=$((SECONDS + 15)) left
  while left=$(postgres_pids) && [ -n "$left" ] && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  [ -n "$left" ] && kill -KILL $left 2>/dev/null || true
  stop_pid "$dir/etcd.pid"
  echo "cluster in $dir stopped" >&2
}

status() {
  [ -f "$dir/cluster.env" ] || { echo "no cluster in $dir"; return 1; }
  layout
  local name
  for name in etcd haproxy api1 api2 node1/patroni node2/patroni; do
    if alive "$dir/$name.pid"; then echo "$name: running (pid $(cat "$dir/$name.pid"))"; else echo "$name: stopped"; fi
  done
  local config="$dir/node1/patroni.yml"
  if patroni_cluster >/dev/null; then
    patronictl -c "$config" list 2>/dev/null || patroni_cluster
    patroni_cluster | /usr/bin/python3 -c '
import json, sys
for m in json.load(sys.stdin)["members"]:
    lag = m.get("lag")
    print("%s: %s, %s%s" % (m["name"], "leader (primary)" if m["role"] == "leader" else "replica (" + m["role"] + ")",
          m["state"], "" if m["role"] == "leader" else ", lag %s MB" % lag if isinstance(lag, str) else ", lag %s bytes" % lag))'
  else
    echo "Patroni: not answering"
  fi
  echo "frontend: http://127.0.0.1:$HTTP_PORT  (writes to PostgreSQL on $WRITE_PORT, reads on $READ_PORT, HAProxy stats on $STATS_PORT)"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: scripts/cluster.sh up|down|status" >&2; exit 2 ;;
esac
