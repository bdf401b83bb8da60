using EventHistory.NewsItems;

namespace EventHistory.Cli.Commands;

public static class ShowCommand
{
    public static async Task<int> RunAsync(CommandContext c)
    {
        var revisionOption = c.Args.LongOption("revision");
        var asOf = TimeOption.Parse(c.Args, "as-of");
        var recordedAsOf = TimeOption.Parse(c.Args, "recorded-as-of");
        if (new object?[] { revisionOption, asOf, recordedAsOf }.Count(o => o is not null) > 1)
            throw new UsageException("give one of --revision, --as-of and --recorded-as-of");
        var id = await ItemReference.ResolveAsync(c.Mediator, c.Args.Required(0, "ITEM"));
        var item = revisionOption is { } revision ? await c.Mediator.Send(new GetRevision.Query(id, revision))
            : asOf is { } edited ? await c.Mediator.Send(new GetItemAsOf.Query(id, edited, Clock.Edited))
            : recordedAsOf is { } recorded ? await c.Mediator.Send(new GetItemAsOf.Query(id, recorded, Clock.Recorded))
            : await c.Mediator.Send(new GetNewsItem.Query(id));
        Write(c.Output, item);
        return 0;
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
