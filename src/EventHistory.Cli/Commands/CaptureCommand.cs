using System.CommandLine;
using EventHistory.Articles;
using FluentValidation;

namespace EventHistory.Cli.Commands;

/// capture ITEM SOURCE FILE [--at TIME] [--reason TEXT]: keeps FILE's bytes as the source's text.
public static class CaptureCommand
{
    public static Command Create(CliSession session)
    {
        var item = CliOptions.Item();
        var source = SourceArgument();
        var file = new Argument<string>("FILE") { Description = "the article's text as captured (UTF-8, at most 2 MB)" };
        var at = CliOptions.Time("--at", "when it was captured (default now)");
        var reason = CliOptions.Text("--reason", "why, kept in the history");
        var command = new Command("capture", "keeps FILE as the text of a source article") { item, source, file, at, reason };
        session.Runs(command, async c =>
            await RunAsync(c, await ItemReference.ResolveAsync(c.Mediator, c.Get(item)), c.Get(source), c.Get(file), c.Get(at), c.Get(reason)));
        return command;
    }

    /// SOURCE: a position in the item's sources, from 1, or the source's URL.
    public static Argument<string> SourceArgument() =>
        new("SOURCE") { Description = "the source's position in the item's sources (from 1) or its URL" };

    private static async Task<int> RunAsync(CommandContext c, Guid id, string source, string file, DateTimeOffset? at, string? reason)
    {
        byte[] bytes;
        try
        {
            var length = new FileInfo(file).Length;
            if (length > ArticleText.MaxBytes)
            {
                c.Error.WriteLine($"eventhistory: {file}: {length} bytes; a source text may have at most {ArticleText.MaxBytes} bytes (2 MB).");
                return 1;
            }
            bytes = await File.ReadAllBytesAsync(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            c.Error.WriteLine($"eventhistory: cannot read {file}: {e.Message}");
            return 1;
        }

        CaptureSourceText.Captured captured;
        try
        {
            captured = await c.Mediator.Send(new CaptureSourceText.Command(id, source, bytes, at, reason));
        }
        catch (ValidationException e)
        {
            foreach (var f in e.Errors)
                c.Error.WriteLine(f.PropertyName == "Text" ? $"eventhistory: {file}: {f.ErrorMessage}" : $"eventhistory: {f.PropertyName}: {f.ErrorMessage}");
            return 1;
        }
        var v = captured.Text;
        c.Output.WriteLine(captured.Created
            ? $"Captured version {v.Version} of {v.SourceName} <{v.SourceUrl}> as revision {v.Revision}{(v.Trivial ? " (trivial: whitespace or date line only)" : "")}."
            : $"Unchanged: the text is version {v.Version} of {v.SourceName} <{v.SourceUrl}> already; nothing appended.");
        return 0;
    }
}
