using System.Text;
using EventHistory.Articles;

namespace EventHistory.Cli.Commands;

/// source-text ITEM SOURCE [--version N] [--out FILE]: the captured bytes, exactly, to stdout or FILE.
public static class SourceTextCommand
{
    public static async Task<int> RunAsync(CommandContext c)
    {
        var id = await ItemReference.ResolveAsync(c.Mediator, c.Args.Required(0, "ITEM"));
        var version = c.Args.LongOption("version") is { } n
            ? n is > 0 and <= int.MaxValue ? (int)n : throw new UsageException("--version takes a version number from 1")
            : (int?)null;
        var text = await c.Mediator.Send(new GetSourceText.Query(id, c.Args.Required(1, "SOURCE"), version));
        if (c.Args.Option("out") is { } file)
        {
            await File.WriteAllBytesAsync(file, text.Body);
            c.Error.WriteLine($"Wrote version {text.Version.Version} of {text.Version.SourceUrl} ({text.Body.Length} bytes) to {file}.");
        }
        else if (ReferenceEquals(c.Output, Console.Out))
        {
            // Straight to the stream: the console writer's encoding must not touch the bytes.
            await c.Output.FlushAsync();
            await using var stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(text.Body);
        }
        else c.Output.Write(Encoding.UTF8.GetString(text.Body));
        return 0;
    }
}
