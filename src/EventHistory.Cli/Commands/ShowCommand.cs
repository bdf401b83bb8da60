using System.CommandLine;
using EventHistory.NewsItems;

namespace EventHistory.Cli.Commands;

/// show ITEM [--revision N | --as-of TIME | --recorded-as-of TIME]: the item now, at a revision,
/// or as of a time on the edit clock or the store's clock.
public static class ShowCommand
{
    public static Command Create(CliSession session)
    {
        var item = CliOptions.Item();
        var revision = CliOptions.Number("--revision", "the item at revision N");
        var asOf = CliOptions.Time("--as-of", "the item as of TIME on the edit clock");
        var recordedAsOf = CliOptions.Time("--recorded-as-of", "the item as of TIME on the store's clock (when it was recorded)");
        var command = new Command("show", "the item now, at revision N, or as of a time") { item, revision, asOf, recordedAsOf };
        command.Validators.Add(r =>
        {
            if (new Option[] { revision, asOf, recordedAsOf }.Count(o => r.GetResult(o) is not null) > 1)
                r.AddError("give one of --revision, --as-of and --recorded-as-of");
        });
        session.Runs(command, async c =>
        {
            var id = await ItemReference.ResolveAsync(c.Mediator, c.Get(item));
            var found = c.Get(revision) is { } n ? await c.Mediator.Send(new GetRevision.Query(id, n))
                : c.Get(asOf) is { } edited ? await c.Mediator.Send(new GetItemAsOf.Query(id, edited, Clock.Edited))
                : c.Get(recordedAsOf) is { } recorded ? await c.Mediator.Send(new GetItemAsOf.Query(id, recorded, Clock.Recorded))
                : await c.Mediator.Send(new GetNewsItem.Query(id));
            Write(c.Output, found);
            return 0;
        });
        return command;
    }

    public static void Write(TextWriter o, NewsItem item)
    {
        o.WriteLine($"{item.Headline.Trim()}");
        o.WriteLine($"  id        {item.Id}");
        o.WriteLine($"  revision  {item.Revision}{(item.Status == ItemStatus.Retracted ? "  (retracted)" : "")}");
        o.WriteLine($"  date      {item.Date:yyyy-MM-dd}");
        o.WriteLine($"  path      {item.Path}");
        if (item.Topic is { } topic) o.WriteLine($"  topic     {topic}");
        o.WriteLine($"  edited    {item.EditedAt:yyyy-MM-dd HH:mm:ss}Z");
        if (item.Summary.Length > 0) o.WriteLine($"\n{item.Summary}");
        if (item.Sources.Count > 0) o.WriteLine("\nSources:");
        foreach (var s in item.Sources) o.WriteLine($"  - {s.Name}: {s.Url}");
        if (item.Related.Count > 0) o.WriteLine("\nRelated:");
        foreach (var r in item.Related) o.WriteLine($"  - {r.Headline.Trim()} ({r.Path}){(r.Context.Length > 0 ? $" [{r.Context}]" : "")}");
    }
}
