#!/bin/sh
# The one-off `setup` service of docker-compose.yml: creates the admin key on the first run (kept in
# the keys volume and printed here, once) and imports the sample pages (again, that appends nothing).
# The paths are the image's; the tests run it with their own.
set -eu
keys=${EVENTHISTORY_KEYS_DIR:-/keys}
samples=${EVENTHISTORY_SAMPLES:-/app/samples}
cli() { dotnet "${EVENTHISTORY_CLI_DLL:-/app/cli/EventHistory.Cli.dll}" "$@"; }
if [ ! -s "$keys/admin-key" ]; then
  (umask 077; cli keys create --name local-admin --role admin > "$keys/admin-key" 2>/dev/null \
    || cli keys rotate local-admin > "$keys/admin-key")
  echo "Admin key (kept in the keys volume): $(cat "$keys/admin-key")"
fi
EVENTHISTORY_KEY=$(cat "$keys/admin-key") cli import "$samples"
