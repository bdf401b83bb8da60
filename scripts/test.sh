#!/usr/bin/env bash
# scripts/test.sh [--stress] [--no-cluster] [-- DOTNET-TEST-ARGS]: runs every test in the solution
# against a throwaway PostgreSQL on a free port, stops it, and exits with the tests' status.
# --stress runs the long tests at full size (CI does: CI=true implies it); arguments after --
# go to dotnet test (e.g. --filter X), in one run. Without them, tests/EventHistory.Cluster.Tests
# (the Patroni failover topology of scripts/cluster.sh, 1 to 3 minutes) runs after the rest, so that
# its timings do not share the cores with the whole suite; --no-cluster leaves it out.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/pg.sh"

filter=()
cluster=
[ "${CI:-}" = "true" ] && export EVENTHISTORY_STRESS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --stress) export EVENTHISTORY_STRESS=1 ;;
    --no-cluster) cluster=no ;;
    --) shift; filter=("$@"); break ;;
    *) echo "usage: scripts/test.sh [--stress] [--no-cluster] [-- dotnet test args]" >&2; exit 2 ;;
  esac
  shift
done

tmp=$(mktemp -d /tmp/eventhistory-test.XXXXXX)
chmod 755 "$tmp"
port=$(pg_free_port)
cleanup() { pg_stop "$tmp/pg"; rm -rf "$tmp"; }
trap cleanup EXIT
PG_FSYNC=off pg_start "$tmp/pg" "$port" || { echo "could not start PostgreSQL" >&2; exit 1; }
export EVENTHISTORY_DB="$(pg_connection_string "$port" postgres)"
export EVENTHISTORY_PG_DATA="$tmp/pg" EVENTHISTORY_PG_BIN="$PG_BIN"
echo "PostgreSQL for tests on 127.0.0.1:$port"

# The browser tests drive Debian's Chromium (Playwright cannot download one here).
command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null || echo "could not install chromium: the browser tests will fail" >&2
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# The cluster test (scripts/cluster.sh) runs Debian's Patroni, etcd and HAProxy.
{ command -v patroni && command -v etcd && command -v haproxy; } >/dev/null \
  || (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq patroni etcd-server haproxy) >/dev/null \
  || echo "could not install patroni, etcd-server and haproxy: the cluster test will fail" >&2

cd "$root"
dotnet build EventHistory.sln -c Release -nologo -v q 2>&1 | grep -vE '^\s*$' | tail -30
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "build failed" >&2; exit 1; }
if [ ${#filter[@]} -gt 0 ]; then
  dotnet test EventHistory.sln -c Release --no-build -nologo "${filter[@]}" 2>&1 | tee "$tmp/test.log"
  status=${PIPESTATUS[0]}
else
  dotnet test EventHistory.sln -c Release --no-build -nologo --filter "FullyQualifiedName!~EventHistory.Cluster.Tests" 2>&1 | tee "$tmp/test.log"
  status=${PIPESTATUS[0]}
  if [ "$cluster" != no ]; then
    echo "The cluster tests (docs/cluster.md, 'What the test does'):"
    dotnet test tests/EventHistory.Cluster.Tests/EventHistory.Cluster.Tests.csproj -c Release --no-build -nologo 2>&1 | tee -a "$tmp/test.log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  fi
fi

# One plain totals line, summed over the test projects, so a run that executed nothing shows.
awk '/(Passed|Failed)!  *-/ {
       for (i = 1; i <= NF; i++) { v = $(i+1); gsub(",", "", v)
         if ($i == "Failed:") f += v; if ($i == "Passed:") p += v; if ($i == "Skipped:") s += v } }
     END { line = p+0 " passed, " f+0 " failed"; if (s > 0) line = line ", " s " skipped"; print line }' "$tmp/test.log"
exit "$status"
