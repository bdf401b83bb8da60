#!/usr/bin/env bash
# scripts/bench.sh [--quick] [BENCH ARGS]: starts a throwaway PostgreSQL (fsync on: commits are
# durable, as in production) on a free port, builds in Release, runs every benchmark measure,
# prints the table and writes bench/results/latest.json (a --quick run writes bench/results/quick.tmp, an --only run only.tmp).
# Sizes: --writers N, --seconds S, --warmup S, --long-history N, --reads N, --import-events N,
# --import-seconds S, --importers N, --rebuild-events N, --rebuild-seconds S, --git-commits N, --cli-runs N, --only 1,2,5 (or the same as BENCH_WRITERS=... environment variables).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/pg.sh"

pg_ensure_installed || exit 1
pg_version=$(basename "$(dirname "$PG_BIN")")
if [ ! -f "/usr/share/postgresql/$pg_version/extension/periods.control" ]; then
  echo "Installing the periods extension (Debian package postgresql-$pg_version-periods)..." >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq "postgresql-$pg_version-periods" >&2 \
    || echo "warning: could not install the periods extension; measure 5 will be reported as not measured" >&2
fi

tmp=$(mktemp -d /tmp/eventhistory-bench.XXXXXX)
chmod 755 "$tmp"
port=$(pg_free_port)
cleanup() { pg_stop "$tmp/pg"; rm -rf "$tmp"; }
trap cleanup EXIT
PG_FSYNC=on pg_start "$tmp/pg" "$port" || { echo "could not start PostgreSQL" >&2; exit 1; }
# Room for the million-event import between checkpoints; reloadable, so no restart.
pg_as_owner "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt \
  -c "alter system set max_wal_size = '4GB'" -c "alter system set checkpoint_timeout = '15min'" -c "select pg_reload_conf()" >/dev/null
export EVENTHISTORY_DB="$(pg_connection_string "$port" postgres)"
echo "PostgreSQL for benchmarks on 127.0.0.1:$port"

cd "$root"
dotnet build EventHistory.sln -c Release -nologo -v q 2>&1 | grep -vE '^\s*$' | tail -30
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "build failed" >&2; exit 1; }
# The command-line tool as users run it: published ReadyToRun (scripts/cli.sh). BENCH_CLI_DLL set
# beforehand measures another build of it (the Release build's dll, say).
. "$root/scripts/cli.sh"
if [ -z "${BENCH_CLI_DLL:-}" ]; then
  BENCH_CLI_DLL=$(cli_dll "$root") || { echo "publishing the command-line tool failed" >&2; exit 1; }
fi
export BENCH_CLI_DLL
dotnet bench/EventHistory.Bench/bin/Release/net10.0/EventHistory.Bench.dll "$@"
