using System.CommandLine;
using EventHistory.Articles;

namespace EventHistory.Cli.Commands;

/// source-texts ITEM SOURCE [--no-trivial]: the captured versions of the source's text.
public static class SourceTextsCommand
{
    public static Command Create(CliSession session)
    {
        var item = CliOptions.Item();
        var source = CaptureCommand.SourceArgument();
        var noTrivial = new Option<bool>("--no-trivial") { Description = "leave out versions that changed whitespace or the date line only" };
        var command = new Command("source-texts", "the captured versions of a source's text") { item, source, noTrivial };
        session.Runs(command, async c =>
        {
            var id = await ItemReference.ResolveAsync(c.Mediator, c.Get(item));
            var listing = await c.Mediator.Send(new ListSourceTexts.Query(id, c.Get(source), !c.Get(noTrivial)));
            c.Output.WriteLine($"{listing.Source.Name} <{listing.Source.Url}>");
            c.Output.WriteLine($"{"ver",4}  {"rev",4}  {"captured (UTC)",-19}  {"article",-10}  {"bytes",8}  {"editor",-12}  note");
            foreach (var v in listing.Versions)
                c.Output.WriteLine((
                    $"{v.Version,4}  {v.Revision,4}  {v.CapturedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {v.ArticleDate?.ToString("yyyy-MM-dd") ?? "-",-10}  {v.Bytes,8}  {v.Editor ?? "-",-12}  {(v.Trivial ? "trivial" : "")}{(v.Reason is { Length: > 0 } r ? $" why: {r}" : "")}").TrimEnd());
            return 0;
        });
        return command;
    }
}
