using System.CommandLine;
using EventHistory.Articles;
using EventHistory.Diffs;

namespace EventHistory.Cli.Commands;

/// source-diff ITEM SOURCE A B [--full] [--color auto|always|never]: a word diff of two versions.
/// Shows the changed lines (paragraphs) with their line numbers, or the whole text with --full.
/// Coloured as --color says (CommandContext.Colour); else plain [-deleted-]{+inserted+}.
public static class SourceDiffCommand
{
    private const string Red = "\u001b[31m", Green = "\u001b[32m", Bold = "\u001b[1m", Reset = "\u001b[0m";

    public static Command Create(CliSession session)
    {
        var item = CliOptions.Item();
        var source = CaptureCommand.SourceArgument();
        var from = CliOptions.NumberArgument("A", "the version to compare from");
        var to = CliOptions.NumberArgument("B", "the version to compare to");
        var full = new Option<bool>("--full") { Description = "the whole text, not only the changed lines" };
        var command = new Command("source-diff", "word diff of versions A and B of a source's text") { item, source, from, to, full };
        session.Runs(command, async c =>
        {
            var id = await ItemReference.ResolveAsync(c.Mediator, c.Get(item));
            var versions = (From: (int)Math.Min(c.Get(from), int.MaxValue), To: (int)Math.Min(c.Get(to), int.MaxValue));
            return Write(c, await c.Mediator.Send(new DiffSourceTexts.Query(id, c.Get(source), versions.From, versions.To)), c.Get(full));
        });
        return command;
    }

    private static int Write(CommandContext c, DiffSourceTexts.Result diff, bool full)
    {
        var colour = c.Colour;
        var (f, t) = (diff.From, diff.To);
        c.Output.WriteLine($"{(colour ? Bold : "")}{diff.Source.Name} <{diff.Source.Url}>{(colour ? Reset : "")}");
        c.Output.WriteLine($"version {f.Version} (revision {f.Revision}, captured {f.CapturedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z) -> " +
                           $"version {t.Version} (revision {t.Revision}, captured {t.CapturedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z)");
        c.Output.WriteLine(!diff.Changed ? "No changes."
            : $"{diff.WordsDeleted} word(s) deleted, {diff.WordsInserted} inserted{(diff.Trivial ? "; trivial: whitespace or date line only" : "")}");
        if (!diff.Changed) return 0;
        var lines = Lines(diff.Segments);
        var previous = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            if (!full && !lines[i].Changed) continue;
            if (!full && previous != 0 && i != previous + 1) c.Output.WriteLine("...");
            var text = string.Concat(lines[i].Segments.Select(s => Render(s, colour)));
            c.Output.WriteLine(full ? text : $"{i + 1,5}: {text}");
            previous = i;
        }
        return 0;
    }

    private static string Render(DiffSegment s, bool colour) => (s.Kind, colour) switch
    {
        (DiffKind.Equal, _) => s.Text,
        (DiffKind.Delete, true) => Red + s.Text + Reset,
        (DiffKind.Insert, true) => Green + s.Text + Reset,
        (DiffKind.Delete, false) => "[-" + s.Text + "-]",
        _ => "{+" + s.Text + "+}",
    };

    private sealed record Line(List<DiffSegment> Segments, bool Changed);

    /// Splits the segments at line breaks, so a change inside a long paragraph shows that paragraph only.
    private static List<Line> Lines(IReadOnlyList<DiffSegment> segments)
    {
        var lines = new List<Line> { new([], false) };
        foreach (var segment in segments)
        {
            var pieces = segment.Text.Split('\n');
            for (var p = 0; p < pieces.Length; p++)
            {
                if (p > 0) lines.Add(new Line([], false));
                var piece = pieces[p].TrimEnd('\r');
                if (piece.Length > 0) lines[^1].Segments.Add(segment with { Text = piece });
                if (segment.Kind != DiffKind.Equal) lines[^1] = lines[^1] with { Changed = true };
            }
        }
        return lines;
    }
}
