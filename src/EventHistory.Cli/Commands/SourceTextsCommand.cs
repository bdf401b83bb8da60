using EventHistory.Articles;

namespace EventHistory.Cli.Commands;

/// source-texts ITEM SOURCE [--no-trivial]: the captured versions of the source's text.
public static class SourceTextsCommand
{
    public static async Task<int> RunAsync(CommandContext c)
    {
        var id = await ItemReference.ResolveAsync(c.Mediator, c.Args.Required(0, "ITEM"));
        var listing = await c.Mediator.Send(new ListSourceTexts.Query(id, c.Args.Required(1, "SOURCE"), !c.Args.Flag("no-trivial")));
        c.Output.WriteLine($"{listing.Source.Name} <{listing.Source.Url}>");
        c.Output.WriteLine($"{"ver",4}  {"rev",4}  {"captured (UTC)",-19}  {"article",-10}  {"bytes",8}  {"editor",-12}  note");
        foreach (var v in listing.Versions)
            c.Output.WriteLine((
                $"{v.Version,4}  {v.Revision,4}  {v.CapturedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {v.ArticleDate?.ToString("yyyy-MM-dd") ?? "-",-10}  {v.Bytes,8}  {v.Editor ?? "-",-12}  {(v.Trivial ? "trivial" : "")}{(v.Reason is { Length: > 0 } r ? $" why: {r}" : "")}").TrimEnd());
        return 0;
    }
}
