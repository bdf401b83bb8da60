using System.Text;
using EventHistory.Pages;

namespace EventHistory.Cli.Commands;

/// export --out DIR [--as-of TIME] [--edition en|zh]: every page rendered from history under its
/// site path; with --edition, only that edition's pages, under news/ as in the site's repository.
public static class ExportCommand
{
    public static async Task<int> RunAsync(CommandContext c)
    {
        var output = c.Args.Option("out") ?? throw new UsageException("export needs --out DIR");
        var asOf = ImportCommand.ParseTime(c.Args.Option("as-of"), "as-of");
        var edition = c.Args.Option("edition");
        if (edition is not (null or "en" or "zh")) throw new UsageException($"--edition is en or zh, not '{edition}'");
        var pages = await c.Mediator.Send(new ExportPages.Query(asOf));
        if (edition is not null)
            pages = [.. pages.Where(p => PagePaths.Split(p.Path)?.Edition == edition)
                .Select(p => p with { Path = edition == "zh" ? p.Path["/zh".Length..] : p.Path })];
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        foreach (var page in pages)
        {
            var file = Path.Combine(output, page.Path.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, page.Text, utf8);
        }
        c.Output.WriteLine($"exported {pages.Count} pages to {output}");
        return 0;
    }
}
