#!/usr/bin/env bash
# scripts/run.sh: starts the local PostgreSQL (unless EVENTHISTORY_DB is set), creates the schema,
# loads the sample pages on first run, and serves the API on http://127.0.0.1:${PORT:-5080}.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-5080}
if [ -z "${EVENTHISTORY_DB:-}" ]; then
  EVENTHISTORY_DB=$("$root/scripts/db.sh" start | tail -1)
fi
export EVENTHISTORY_DB
dotnet build "$root/src/EventHistory.Api" -c Release -nologo -v q >&2
dotnet build "$root/src/EventHistory.Cli" -c Release -nologo -v q >&2
# A local admin key on first run, so a new user can write at once. Only its hash is in the database.
keyfile="$root/.data/admin-key"
if [ ! -s "$keyfile" ]; then
  mkdir -p "$root/.data"
  "$root/scripts/eventhistory" keys create --name "local-admin-$(date +%s)" --role admin > "$keyfile"
  chmod 600 "$keyfile"
fi
export EVENTHISTORY_KEY=$(cat "$keyfile")
echo "Admin key (also in .data/admin-key): $EVENTHISTORY_KEY"
if [ -d "$root/samples" ] && [ -n "$(ls -A "$root/samples" 2>/dev/null)" ]; then
  "$root/scripts/eventhistory" import "$root/samples" >&2 || echo "warning: sample import reported problems" >&2
fi
echo "EventHistory API on http://127.0.0.1:$port"
exec dotnet "$root/src/EventHistory.Api/bin/Release/net10.0/EventHistory.Api.dll" --urls "http://127.0.0.1:$port"
