using System.CommandLine;
using System.Text;
using EventHistory.Pages;

namespace EventHistory.Cli.Commands;

/// export --out DIR [--as-of TIME] [--edition en|zh]: every page rendered from history under its
/// site path; with --edition, only that edition's pages, under news/ as in the site's repository.
public static class ExportCommand
{
    public static Command Create(CliSession session)
    {
        var output = new Option<string>("--out") { Description = "the folder to write the pages to", HelpName = "DIR", Required = true };
        var asOf = CliOptions.Time("--as-of", "the pages as of TIME (default now)");
        var edition = CliOptions.Edition("only this edition's pages, under news/ as in its site repository");
        var command = new Command("export", "every page rendered from history, byte for byte as the site had them") { output, asOf, edition };
        session.Runs(command, async c =>
        {
            var (folder, only) = (c.Get(output), c.Get(edition));
            var pages = await c.Mediator.Send(new ExportPages.Query(c.Get(asOf)));
            if (only is not null)
                pages = [.. pages.Where(p => PagePaths.Split(p.Path)?.Edition == only)
                    .Select(p => p with { Path = only == "zh" ? p.Path["/zh".Length..] : p.Path })];
            var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            foreach (var page in pages)
            {
                var file = Path.Combine(folder, page.Path.TrimStart('/'));
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllTextAsync(file, page.Text, utf8);
            }
            c.Output.WriteLine($"exported {pages.Count} pages to {folder}");
            return 0;
        });
        return command;
    }
}
