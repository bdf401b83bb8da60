# Sourced by scripts/eventhistory, scripts/run.sh and scripts/bench.sh: the command-line tool as
# users run it, published ReadyToRun for this machine. Every assembly of the tool (ours, Marten,
# Npgsql and the rest) is then compiled ahead of time, so a command does not spend its first
# hundreds of milliseconds in the JIT (docs/benchmarks.md, "The command line compiled ahead of
# time"). The build the tests use (bin/Release/net10.0) is left alone: the same code, compiled as
# it runs.

cli_published_dir() { echo "$1/src/EventHistory.Cli/bin/Release/net10.0/ready-to-run"; }

# stale DLL PATH...: true when DLL is missing or a source, project, props or SQL file under the
# PATHs is newer than it (obj/'s generated files do not count). run.sh asks it of the API too.
stale() {
  local dll=$1; shift
  [ ! -f "$dll" ] || [ -n "$(find "$@" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.sql' \) \
    -newer "$dll" -not -path '*/obj/*' -not -path '*/bin/*' -print -quit 2>/dev/null)" ]
}

# cli_stale ROOT: true when the published tool is missing or older than a source.
cli_stale() { stale "$(cli_published_dir "$1")/EventHistory.Cli.dll" "$1/src" "$1/Directory.Build.props"; }

# cli_dll ROOT: prints the published tool's dll, publishing it first when it is stale. One
# publish at a time (a lock beside the folder): a second caller (run.sh and a user's
# scripts/eventhistory, say) waits, then finds it fresh, rather than writing the same files at once.
cli_dll() {
  local out
  out=$(cli_published_dir "$1")
  mkdir -p "$(dirname "$out")"
  (
    flock 9
    if cli_stale "$1"; then
      echo "Publishing the command-line tool (ReadyToRun)..." >&2
      dotnet publish "$1/src/EventHistory.Cli" -c Release --use-current-runtime --self-contained false \
        -p:PublishReadyToRun=true -o "$out" -nologo -v q >&2 || exit 1
      # msbuild may leave an unchanged output's time alone; the next call must see it fresh.
      touch "$out/EventHistory.Cli.dll"
    fi
  ) 9>"$out.lock" || return 1
  echo "$out/EventHistory.Cli.dll"
}
