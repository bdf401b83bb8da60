#!/usr/bin/env bash
# scripts/run.sh: serves the API on http://127.0.0.1:${PORT:-5080} over the local PostgreSQL of
# scripts/db.sh (unless EVENTHISTORY_DB is set), with the sample pages loaded and a local admin key.
# A restart with nothing changed is quick: the projects are built only when a source is newer than
# the build, and the samples are imported only when they changed since the last import.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
state=${EVENTHISTORY_DATA:-$root/.data}
port=${PORT:-5080}
mkdir -p "$state"

if [ -z "${EVENTHISTORY_DB:-}" ]; then
  EVENTHISTORY_DB=$("$root/scripts/db.sh" start | tail -1)
fi
export EVENTHISTORY_DB

# Built or published only when a source is newer than the dll (stale, scripts/cli.sh).
. "$root/scripts/cli.sh"
api="$root/src/EventHistory.Api/bin/Release/net10.0/EventHistory.Api.dll"
if stale "$api" "$root/src/EventHistory.Api" "$root/src/EventHistory" "$root/src/EventHistory.EventStore" "$root/Directory.Build.props"; then
  echo "Building EventHistory.Api..." >&2
  dotnet build "$root/src/EventHistory.Api" -c Release -nologo -v q >&2
  touch "$api"   # msbuild may leave an unchanged output's time alone; the next start must see it fresh
else
  echo "EventHistory.Api: built, up to date" >&2
fi
# The command-line tool, published ReadyToRun when a source changed.
cli_stale "$root" || echo "EventHistory.Cli: published, up to date" >&2
cli=$(cli_dll "$root")
eventhistory() { dotnet "$cli" "$@"; }

# A local admin key on first run, so a new user can write at once; only its hash is in the database.
# If the key file was lost, the key named local-admin gets a new secret (the audit trail keeps its name).
keyfile="$state/admin-key"
if [ ! -s "$keyfile" ]; then
  (umask 077; eventhistory keys create --name local-admin --role admin > "$keyfile" 2>/dev/null \
    || eventhistory keys rotate local-admin > "$keyfile")
fi
export EVENTHISTORY_KEY=$(cat "$keyfile")

# The samples, once per content and database: importing again would append nothing, but takes time.
stamp="$state/samples-imported"
if [ -d "$root/samples" ]; then
  fingerprint=$( (printf '%s\n' "$EVENTHISTORY_DB"; cd "$root/samples" && find . -type f -print0 | sort -z | xargs -0 cksum) | cksum)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$fingerprint" ]; then
    echo "Importing the sample pages..." >&2
    if eventhistory import "$root/samples" >&2; then echo "$fingerprint" > "$stamp"
    else echo "warning: the sample import reported problems" >&2; fi
  else
    echo "Sample pages: imported, unchanged" >&2
  fi
fi

base="http://127.0.0.1:$port"
cat <<TEXT
Admin key (in ${keyfile#$root/}): $EVENTHISTORY_KEY
  export EVENTHISTORY_KEY=\$(cat ${keyfile#$root/})   # for scripts/eventhistory's writes
Web pages:        $base/   (history, diffs, the time machine; sign in with the key to edit)
OpenAPI document: $base/openapi/v1.json
Health:           $base/health/ready
EventHistory API on $base
TEXT
exec dotnet "$api" --urls "$base"
