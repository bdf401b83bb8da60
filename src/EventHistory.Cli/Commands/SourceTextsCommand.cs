using System.CommandLine;
using EventHistory.Articles;
using Spectre.Console;

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
            var table = Tables.Create(c, "ver", "rev", "captured (UTC)", "article", "bytes", "editor", "note");
            foreach (var v in listing.Versions)
                table.Row($"{v.Version}", $"{v.Revision}", $"{v.CapturedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}", v.ArticleDate?.ToString("yyyy-MM-dd") ?? "-",
                    $"{v.Bytes}", v.Editor ?? "-", ((v.Trivial ? "trivial" : "") + (v.Reason is { Length: > 0 } r ? $" why: {r}" : "")).Trim());
            foreach (var numeric in new[] { 0, 1, 4 }) table.Columns[numeric].RightAligned();
            Tables.Write(c, table);
            return 0;
        });
        return command;
    }
}
