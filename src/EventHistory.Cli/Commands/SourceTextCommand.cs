using System.CommandLine;
using System.Text;
using EventHistory.Articles;

namespace EventHistory.Cli.Commands;

/// source-text ITEM SOURCE [--version N] [--out FILE]: the captured bytes, exactly, to stdout or FILE.
public static class SourceTextCommand
{
    public static Command Create(CliSession session)
    {
        var item = CliOptions.Item();
        var source = CaptureCommand.SourceArgument();
        var version = CliOptions.Number("--version", "version N (default the latest)");
        var output = CliOptions.Text("--out", "write the bytes to FILE instead of stdout", "FILE");
        var command = new Command("source-text", "a captured text, byte for byte") { item, source, version, output };
        session.Runs(command, async c =>
        {
            var id = await ItemReference.ResolveAsync(c.Mediator, c.Get(item));
            var text = await c.Mediator.Send(new GetSourceText.Query(id, c.Get(source), c.Get(version) is { } n ? (int)Math.Min(n, int.MaxValue) : null));
            if (c.Get(output) is { } file)
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
        });
        return command;
    }
}
