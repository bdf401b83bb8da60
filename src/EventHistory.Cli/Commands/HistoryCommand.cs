using EventHistory.NewsItems;

namespace EventHistory.Cli.Commands;

public static class HistoryCommand
{
    public static async Task<int> RunAsync(CommandContext c)
    {
        var id = await ItemReference.ResolveAsync(c.Mediator, c.Args.Required(0, "ITEM"));
        var entries = await c.Mediator.Send(new GetHistory.Query(id));
        c.Output.WriteLine($"{"rev",4}  {"kind",-15}  {"edited (UTC)",-19}  {"editor",-12}  headline");
        foreach (var e in entries)
        {
            c.Output.WriteLine($"{e.Revision,4}  {(e.Current ? e.Kind + " (current)" : e.Kind),-15}  {e.EditedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {e.Editor ?? "-",-12}  {e.Headline.Trim()}");
            if (e.Reason is { Length: > 0 } reason) c.Output.WriteLine($"{"",44}why: {reason}");
        }
        return 0;
    }
}
