using System.Globalization;

namespace EventHistory.Bench;

/// Sizes of a run. Full sizes are what the issue asks; --quick shrinks everything for a smoke run.
/// Each can be set by an argument (--writers 8) or an environment variable (BENCH_WRITERS=8).
public sealed record Options(
    bool Quick, string ConnectionString, string Root, string Output, ISet<string> Only,
    int Writers, double WarmupSeconds, double Seconds, int ItemsPerWriter,
    int LongHistory, int Reads, int ImportEvents, double ImportSeconds, int Importers, int RebuildEvents, double RebuildSeconds, int GitCommits, int CliRuns)
{
    public static Options Parse(string[] args)
    {
        var quick = args.Contains("--quick") || Environment.GetEnvironmentVariable("BENCH_QUICK") == "1";
        string? Get(string name)
        {
            var i = Array.IndexOf(args, "--" + name);
            if (i >= 0 && i + 1 < args.Length) return args[i + 1];
            return Environment.GetEnvironmentVariable("BENCH_" + name.ToUpperInvariant().Replace('-', '_'));
        }
        int Int(string name, int full, int small) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : quick ? small : full;
        double Num(string name, double full, double small) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : quick ? small : full;

        var root = FindRoot();
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(EventStore.ConnectionTuning.Apply(Environment.GetEnvironmentVariable("EVENTHISTORY_DB")
            ?? throw new InvalidOperationException("Set EVENTHISTORY_DB (scripts/bench.sh starts a PostgreSQL and does).")));
        // Every side (ours, the raw SQL, the relational alternative, the service and the CLI it
        // starts) connects with the same string: the service's own tuning (automatic preparation,
        // no reset on close) on every side alike. BENCH_AUTO_PREPARE=0 turns preparation off everywhere.
        if (Environment.GetEnvironmentVariable("BENCH_AUTO_PREPARE") is { } prepare) connection.MaxAutoPrepare = int.Parse(prepare, CultureInfo.InvariantCulture);
        var connectionString = connection.ConnectionString;
        var only = (Get("only") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        return new Options(
            quick, connectionString, root,
            // Only a whole full run is the latest: --quick and --only runs write .tmp files beside it.
            Get("out") ?? Path.Combine(root, "bench", "results", quick ? "quick.tmp" : only.Count > 0 ? "only.tmp" : "latest.json"),
            only,
            Writers: Int("writers", 16, 16),
            WarmupSeconds: Num("warmup", 3, 1),
            Seconds: Num("seconds", 12, 3),
            ItemsPerWriter: Int("items-per-writer", 20, 4),
            LongHistory: Int("long-history", 10_000, 1_000),
            Reads: Int("reads", 3_000, 300),
            ImportEvents: Int("import-events", 1_000_000, 20_000),
            ImportSeconds: Num("import-seconds", 1200, 60),
            Importers: Int("importers", 4, 2),
            RebuildEvents: Int("rebuild-events", 1_000_000, 20_000),
            RebuildSeconds: Num("rebuild-seconds", 200, 60),
            GitCommits: Int("git-commits", 1_000, 200),
            CliRuns: Int("cli-runs", 40, 10));
    }

    /// The command-line tool the measures start: BENCH_CLI_DLL, which scripts/bench.sh sets to the
    /// ReadyToRun publish that users run (scripts/cli.sh); else the solution's Release build.
    public string CliDll => Environment.GetEnvironmentVariable("BENCH_CLI_DLL")
        ?? Path.Combine(Root, "src", "EventHistory.Cli", "bin", "Release", "net10.0", "EventHistory.Cli.dll");

    /// How the report names the tool: its path in the repository.
    public string CliName => Path.GetRelativePath(Root, CliDll);

    public bool Runs(string id) => Only.Count == 0 || Only.Contains(id);

    /// A run whose results are not for comparison: its Markdown goes to a .md.tmp beside its JSON.
    public bool Partial => Quick || Only.Count > 0;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EventHistory.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
