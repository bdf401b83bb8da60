using System.CommandLine;
using EventHistory.Diffs;
using EventHistory.NewsItems;

namespace EventHistory.Cli.Commands;

/// diff ITEM A B [--color always|never|auto]: what changed from revision A to B. Colour (red
/// deleted, green inserted) as --color says (CommandContext.Colour); otherwise deletions
/// read [-like this-] and insertions {+like this+}.
public static class DiffCommand
{
    private const string Red = "\u001b[31m", Green = "\u001b[32m", Reset = "\u001b[0m";

    public static Command Create(CliSession session)
    {
        var item = CliOptions.Item();
        var from = CliOptions.NumberArgument("A", "the revision to compare from");
        var to = CliOptions.NumberArgument("B", "the revision to compare to");
        var command = new Command("diff", "what changed from revision A to B (word by word)") { item, from, to };
        session.Runs(command, async c =>
        {
            var id = await ItemReference.ResolveAsync(c.Mediator, c.Get(item));
            Write(c.Output, await c.Mediator.Send(new GetDiff.Query(id, c.Get(from), c.Get(to))), c.Colour);
            return 0;
        });
        return command;
    }

    public static void Write(TextWriter o, GetDiff.ItemDiff d, bool colour)
    {
        string Deleted(string text) => colour ? $"{Red}{text}{Reset}" : $"[-{text}-]";
        string Inserted(string text) => colour ? $"{Green}{text}{Reset}" : $"{{+{text}+}}";
        string Words(GetDiff.TextChange t) => string.Concat(t.Segments.Select(s => s.Kind switch
        {
            DiffKind.Delete => Deleted(s.Text), DiffKind.Insert => Inserted(s.Text), _ => s.Text,
        }));

        o.WriteLine($"{d.ItemId}: revision {d.From} -> {d.To}");
        if (d.Changed.Count == 0) o.WriteLine("no changes");
        if (d.Headline is { } h) o.WriteLine($"headline:\n  {Words(h).Trim()}");
        if (d.Summary is { } s) o.WriteLine($"summary:\n  {Words(s).Trim()}");
        if (d.Sources is { } sources)
        {
            o.WriteLine("sources:");
            foreach (var x in sources.Removed) o.WriteLine("  " + Deleted($"- {x.Name}: {x.Url}"));
            foreach (var x in sources.Added) o.WriteLine("  " + Inserted($"+ {x.Name}: {x.Url}"));
        }
        if (d.Related is { } related)
        {
            o.WriteLine("related:");
            foreach (var x in related.Removed) o.WriteLine("  " + Deleted($"- {x.Headline.Trim()} ({x.Path}) [{x.Context}]"));
            foreach (var x in related.Added) o.WriteLine("  " + Inserted($"+ {x.Headline.Trim()} ({x.Path}) [{x.Context}]"));
        }
        if (d.Topic is { } topic) o.WriteLine($"topic: {Deleted(topic.From ?? "(none)")} -> {Inserted(topic.To ?? "(none)")}");
        if (d.Status is { } status) o.WriteLine($"status: {Deleted(status.From ?? "")} -> {Inserted(status.To ?? "")}");
        if (d.Path is { } path) o.WriteLine($"path: {path.From} -> {path.To}");
    }
}
