using EventHistory.Audit;
using EventHistory.EventStore.Daemon;
using EventHistory.NewsItems;
using EventHistory.Projections;
using EventHistory.Search;

namespace EventHistory.Cli.Commands;

/// projections, rebuild NAME, search TEXT, verify [ITEM], archive ITEM.
public static class StoreCommands
{
    public static async Task<int> ProjectionsAsync(CommandContext c)
    {
        c.Output.WriteLine($"{"name",-20}  {"kind",-6}  {"state",-10}  {"lag",8}  {"lag s",8}  {"last updated (UTC)",-19}  position");
        foreach (var p in await c.Mediator.Send(new GetProjectionStatus.Query()))
            c.Output.WriteLine($"{p.Name,-20}  {p.Kind,-6}  {p.State,-10}  {p.LagEvents,8}  {p.LagSeconds,8:0.0}  " +
                $"{(p.LastUpdated is { } u ? u.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") : "-"),-19}  {(p.Position.Length > 0 ? p.Position : "-")}");
        return 0;
    }

    public static async Task<int> RebuildAsync(CommandContext c)
    {
        var name = c.Args.Required(0, "NAME");
        var bar = new ProgressBar(c.Error, name);
        var result = await c.Mediator.Send(new RebuildProjection.Command(name, bar));
        bar.Finish();
        c.Output.WriteLine($"rebuilt {result.Name} from {result.Events} events");
        return 0;
    }

    public static async Task<int> SearchAsync(CommandContext c)
    {
        var text = string.Join(' ', c.Args.Positional);
        var hits = await c.Mediator.Send(new SearchItems.Query(text, (int)(c.Args.LongOption("limit") ?? 20)));
        foreach (var h in hits) c.Output.WriteLine($"{h.Date:yyyy-MM-dd}  {h.Headline.Trim()}\n            {h.Path}  {h.ItemId}");
        if (hits.Count == 0) c.Error.WriteLine("no items match");
        return 0;
    }

    /// Exit 0 when every event verifies, 1 when a stream's stored history does not match its chain.
    public static async Task<int> VerifyAsync(CommandContext c)
    {
        Guid? id = c.Args.Positional.Count > 0 ? await ItemReference.ResolveAsync(c.Mediator, c.Args.Positional[0]) : null;
        var report = await c.Mediator.Send(new VerifyHistory.Query(id));
        foreach (var b in report.Breaks)
            c.Output.WriteLine($"BROKEN {b.StreamId} at version {b.Version}{(b.Sequence is { } s ? $" (seq {s})" : "")}: {b.Kind}: {b.Detail}");
        c.Output.WriteLine(report.Intact
            ? $"all {report.Events} events in {report.Streams} streams verify"
            : $"{report.Breaks.Count} of {report.Streams} streams do not verify ({report.Events} events checked)");
        return report.Intact ? 0 : 1;
    }

    public static async Task<int> ArchiveAsync(CommandContext c)
    {
        var id = await ItemReference.ResolveAsync(c.Mediator, c.Args.Required(0, "ITEM"));
        await c.Mediator.Send(new ArchiveNewsItem.Command(id));
        c.Output.WriteLine($"archived {id}: kept whole, hidden from default reads");
        return 0;
    }

    /// Runs Marten's daemon until the process is stopped (Ctrl+C, SIGTERM) or killed.
    public static async Task<int> DaemonAsync(CommandContext c, AsyncDaemon daemon)
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
}

/// A one-line progress bar redrawn in place on stderr.
public sealed class ProgressBar(TextWriter error, string label) : IProgress<RebuildProgress>
{
    private int _lastPercent = -1;

    public void Report(RebuildProgress value)
    {
        var percent = value.Total == 0 ? 100 : (int)(100 * value.Done / value.Total);
        if (percent == _lastPercent) return;
        _lastPercent = percent;
        var filled = percent * 30 / 100;
        error.Write($"\r{label} [{new string('#', filled)}{new string('.', 30 - filled)}] {percent,3}% {value.Done}/{value.Total} events");
    }

    public void Finish() => error.WriteLine();
}
