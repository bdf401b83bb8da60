using EventHistory.EventStore;
using EventHistory.NewsItems;

namespace EventHistory.Cli.Commands;

/// audit [ITEM] [--editor E] [--since T] [--until T] [--type T] [--after CURSOR] [--limit N]:
/// the change feed, oldest first; since/until are on the store's clock.
public static class AuditCommand
{
    public static async Task<int> RunAsync(CommandContext c)
    {
        Guid? item = c.Args.Positional.Count > 0 ? await ItemReference.ResolveAsync(c.Mediator, c.Args.Positional[0]) : null;
        var after = GlobalPosition.Start;
        if (c.Args.Option("after") is { } cursor && !GlobalPosition.TryParse(cursor, out after))
            throw new UsageException($"--after takes a cursor such as 1234.56, not '{cursor}'");
        var limit = (int)(c.Args.LongOption("limit") ?? 100);
        var page = await c.Mediator.Send(new GetChanges.Query(after, item, c.Args.Option("editor"),
            TimeOption.Parse(c.Args, "since"), TimeOption.Parse(c.Args, "until"), c.Args.Option("type"), limit));
        c.Output.WriteLine($"{"recorded (UTC)",-19}  {"edited (UTC)",-19}  {"editor",-12}  {"change",-21}  {"rev",4}  item / headline");
        foreach (var e in page.Entries)
        {
            c.Output.WriteLine($"{e.RecordedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {e.EditedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {e.Editor ?? "-",-12}  {e.EventType,-21}  {e.Revision,4}  {e.ItemId} {e.Headline.Trim()}");
            if (e.Reason is { Length: > 0 } why) c.Output.WriteLine($"{"",44}why: {why}");
        }
        if (page.HasMore) c.Output.WriteLine($"more: eventhistory audit --after {page.Next}");
        return 0;
    }
}
