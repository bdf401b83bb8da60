using System.Globalization;
using EventHistory.Articles;
using FluentValidation;

namespace EventHistory.Cli.Commands;

/// capture ITEM SOURCE FILE [--at TIME] [--reason TEXT]: keeps FILE's bytes as the source's text.
public static class CaptureCommand
{
    public static async Task<int> RunAsync(CommandContext c)
    {
        var id = await ItemReference.ResolveAsync(c.Mediator, c.Args.Required(0, "ITEM"));
        var source = c.Args.Required(1, "SOURCE");
        var file = c.Args.Required(2, "FILE");
        var at = Time(c.Args.Option("at"));
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
            captured = await c.Mediator.Send(new CaptureSourceText.Command(id, source, bytes, at, c.Args.Option("reason")));
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

    private static DateTimeOffset? Time(string? text) =>
        text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time
        : throw new UsageException($"--at takes a time such as 2016-12-29T18:00:00Z, not '{text}'");
}
