using System.CommandLine;
using EventHistory.Audit;
using EventHistory.EventStore.Daemon;
using EventHistory.NewsItems;
using EventHistory.Projections;
using EventHistory.Search;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace EventHistory.Cli.Commands;

/// projections, rebuild NAME, search TEXT, verify [ITEM], archive ITEM.
public static class StoreCommands
{
    public static IEnumerable<Command> Create(CliSession session)
    {
        var text = new Argument<string[]>("TEXT") { Description = "the words to look for", Arity = ArgumentArity.OneOrMore };
        var limit = CliOptions.Number("--limit", "at most N items (default 20)");
        var search = new Command("search", "items whose current headline or summary match") { text, limit };
        session.Runs(search, c => SearchAsync(c, string.Join(' ', c.Get(text)), (int)Math.Min(c.Get(limit) ?? 20, int.MaxValue)));
        yield return search;

        var verified = new Argument<string?>("ITEM") { Description = "only this item's chain", Arity = ArgumentArity.ZeroOrOne };
        var verify = new Command("verify", "checks the hash chain of every stream (or ITEM's); exit 1 if broken") { verified };
        session.Runs(verify, async c => await VerifyAsync(c, await ItemReference.ResolveOptionalAsync(c.Mediator, c.Get(verified))));
        yield return verify;

        var archived = CliOptions.Item();
        var archive = new Command("archive", "keeps the item's history but hides it from default reads") { archived };
        session.Runs(archive, async c => await ArchiveAsync(c, await ItemReference.ResolveAsync(c.Mediator, c.Get(archived))));
        yield return archive;

        var projections = new Command("projections", "each projection's state, position and lag");
        session.Runs(projections, ProjectionsAsync);
        yield return projections;

        var name = new Argument<string[]>("NAME")
        {
            Description = "the projection (news_items, stream_event_counts, item_search); several are rebuilt at the same time",
            Arity = ArgumentArity.OneOrMore,
        };
        name.CompletionSources.Add("news_items", "stream_event_counts", "item_search");
        var rebuild = new Command("rebuild", "replays every event into one or more projections") { name };
        session.Runs(rebuild, c => RebuildAsync(c, c.Get(name)!));
        yield return rebuild;

        var daemon = new Command("daemon", "runs the projection daemon until stopped");
        session.Runs(daemon, c => DaemonAsync(c, c.Services.GetRequiredService<AsyncDaemon>()));
        yield return daemon;
    }

    private static async Task<int> ProjectionsAsync(CommandContext c)
    {
        var table = Tables.Create(c, "name", "kind", "state", "lag", "lag s", "last updated (UTC)", "position");
        table.Columns[3].RightAligned();
        table.Columns[4].RightAligned();
        foreach (var p in await c.Mediator.Send(new GetProjectionStatus.Query()))
            table.Row(p.Name, $"{p.Kind}", State(p), $"{p.LagEvents}", $"{p.LagSeconds:0.0}",
                p.LastUpdated is { } u ? u.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") : "-", p.Position.Length > 0 ? p.Position : "-");
        Tables.Write(c, table);
        return 0;
    }

    /// "rebuilding 45% (450000/1000000 events)" while a rebuild runs: its copies are not in the position yet.
    private static string State(ProjectionStatus p) =>
        p.Rebuild is { } r ? $"{p.State} {(r.Total > 0 ? 100 * r.Done / r.Total : 0)}% ({r.Done}/{r.Total} events)" : p.State;

    /// Several projections are rebuilt at the same time, each on its own connection (each rebuild
    /// is one PostgreSQL backend's work), under one bar that adds up their events.
    private static async Task<int> RebuildAsync(CommandContext c, string[] names)
    {
        names = [.. names.Distinct()];
        var catalog = c.Services.GetRequiredService<ProjectionCatalog>();
        foreach (var name in names) catalog.EnsureKnown(name);
        var label = string.Join(" + ", names);
        var plain = new PlainBar(c.Error, label);
        var results = await ProgressDisplay.RunAsync(c, label, show =>
        {
            var progress = new RebuildProgress[names.Length];
            var gate = new object();
            return Task.WhenAll(names.Select((name, i) => c.Mediator.Send(new RebuildProjection.Command(name, new Reporter(p =>
            {
                lock (gate)
                {
                    progress[i] = p;
                    var (done, total) = (progress.Sum(x => x?.Done ?? 0), progress.Sum(x => x?.Total ?? 0));
                    show(done, total, $"{label} {done}/{total} events");
                }
            })))));
        }, plain.Show);
        plain.Finish();
        foreach (var result in results) c.Output.WriteLine($"rebuilt {result.Name} from {result.Events} events");
        return 0;
    }

    private static async Task<int> SearchAsync(CommandContext c, string text, int limit)
    {
        var hits = await c.Mediator.Send(new SearchItems.Query(text, limit));
        if (hits.Count == 0)
        {
            c.Error.WriteLine("no items match");
            return 0;
        }
        var table = Tables.Create(c, "date", "headline / path", "id");
        table.ShowHeaders = c.OutputIsTerminal;
        foreach (var h in hits) table.Row($"{h.Date:yyyy-MM-dd}", $"{h.Headline.Trim()}\n{h.Path}", $"{h.ItemId}");
        Tables.Write(c, table);
        return 0;
    }

    /// Exit 0 when every event verifies, 1 when a stream's stored history does not match its chain.
    private static async Task<int> VerifyAsync(CommandContext c, Guid? id)
    {
        var report = await c.Mediator.Send(new VerifyHistory.Query(id));
        foreach (var b in report.Breaks)
            c.Output.WriteLine($"BROKEN {b.StreamId} at version {b.Version}{(b.Sequence is { } s ? $" (seq {s})" : "")}: {b.Kind}: {b.Detail}");
        c.Output.WriteLine(report.Intact
            ? $"all {report.Events} events in {report.Streams} streams verify"
            : $"{report.Breaks.Count} of {report.Streams} streams do not verify ({report.Events} events checked)");
        return report.Intact ? 0 : 1;
    }

    private static async Task<int> ArchiveAsync(CommandContext c, Guid id)
    {
        await c.Mediator.Send(new ArchiveNewsItem.Command(id));
        c.Output.WriteLine($"archived {id}: kept whole, hidden from default reads");
        return 0;
    }

    /// Runs Marten's daemon until the process is stopped (Ctrl+C, SIGTERM) or killed.
    private static async Task<int> DaemonAsync(CommandContext c, AsyncDaemon daemon)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
        c.Error.WriteLine($"projection daemon started (pid {Environment.ProcessId}); hot/cold: works on the projections no other daemon holds");
        await daemon.RunAsync(stop.Token);
        c.Error.WriteLine("projection daemon stopped");
        return 0;
    }

    /// Progress reported on the rebuild's own thread (System.Progress would post it elsewhere, late).
    private sealed class Reporter(Action<RebuildProgress> report) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => report(value);
    }

    /// The rebuild's bar when stderr is not a terminal: one line redrawn with \r (scripts read its 100%).
    private sealed class PlainBar(TextWriter error, string label)
    {
        private int _lastPercent = -1;

        public void Show(double done, double total, string _)
        {
            var percent = total == 0 ? 100 : (int)(100 * done / total);
            if (percent == _lastPercent) return;
            _lastPercent = percent;
            var filled = percent * 30 / 100;
            error.Write($"\r{label} [{new string('#', filled)}{new string('.', 30 - filled)}] {percent,3}% {done}/{total} events");
        }

        public void Finish()
        {
            if (_lastPercent >= 0) error.WriteLine();
        }
    }
}
