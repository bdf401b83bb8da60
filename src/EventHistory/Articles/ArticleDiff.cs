using System.Text;
using EventHistory.Diffs;

namespace EventHistory.Articles;

/// Word diff of two article texts that stays cheap on 2 MB texts: WordDiff first aligns the lines
/// (each distinct line stands in as one private-use character, which WordDiff takes as one token),
/// then WordDiff compares each run of changed lines. Run on whole texts, WordDiff's time grows with
/// text length times edits: minutes for a long article edited in every paragraph; by lines, a second.
public static class ArticleDiff
{
    /// Beyond this many lines (both texts) the line alignment itself would be the expensive part.
    public const int MaxLines = 50_000;

    private const int FirstLineId = 0xF0000, MaxLineIds = 0xFFFFD - 0xF0000;

    /// A changed run whose differing middle has more tokens than this is shown replaced, not edited.
    public const int MaxRegionTokens = 6_000;

    public static IReadOnlyList<DiffSegment> Compare(string before, string after)
    {
        var segments = new Segments();
        var a = Lines(before);
        var b = Lines(after);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in a.Concat(b)) ids.TryAdd(Content(line), ids.Count);
        if (a.Count + b.Count > MaxLines || ids.Count > MaxLineIds)
        {
            AddRegion(segments, before, after);
            return segments.ToList();
        }
        string Encode(List<string> lines) => string.Concat(lines.Select(l => char.ConvertFromUtf32(FirstLineId + ids[Content(l)])));

        var (i, j) = (0, 0);
        var (deleted, inserted) = (new StringBuilder(), new StringBuilder());
        foreach (var step in WordDiff.Compare(Encode(a), Encode(b)))
        {
            foreach (var _ in WordDiff.Tokenize(step.Text))
            {
                switch (step.Kind)
                {
                    case DiffKind.Delete: deleted.Append(a[i++]); break;
                    case DiffKind.Insert: inserted.Append(b[j++]); break;
                    default:
                        AddRegion(segments, deleted.ToString(), inserted.ToString());
                        (deleted, inserted) = (new StringBuilder(), new StringBuilder());
                        var content = Content(a[i]);
                        var (breakBefore, breakAfter) = (a[i++][content.Length..], b[j++][content.Length..]);
                        Add(segments, DiffKind.Equal, content);
                        if (breakBefore == breakAfter) Add(segments, DiffKind.Equal, breakBefore);
                        else
                        {
                            Add(segments, DiffKind.Delete, breakBefore);
                            Add(segments, DiffKind.Insert, breakAfter);
                        }
                        break;
                }
            }
        }
        AddRegion(segments, deleted.ToString(), inserted.ToString());
        return segments.ToList();
    }

    private static void AddRegion(Segments segments, string before, string after)
    {
        if (before == after)
        {
            Add(segments, DiffKind.Equal, before);
            return;
        }
        var a = WordDiff.Tokenize(before);
        var b = WordDiff.Tokenize(after);
        var prefix = 0;
        while (prefix < a.Count && prefix < b.Count && a[prefix] == b[prefix]) prefix++;
        var suffix = 0;
        while (suffix < a.Count - prefix && suffix < b.Count - prefix && a[^(suffix + 1)] == b[^(suffix + 1)]) suffix++;
        if (a.Count + b.Count - 2 * (prefix + suffix) <= MaxRegionTokens)
        {
            foreach (var s in WordDiff.Compare(before, after)) Add(segments, s.Kind, s.Text);
            return;
        }
        Add(segments, DiffKind.Equal, string.Concat(a.Take(prefix)));
        Add(segments, DiffKind.Delete, string.Concat(a.Skip(prefix).Take(a.Count - prefix - suffix)));
        Add(segments, DiffKind.Insert, string.Concat(b.Skip(prefix).Take(b.Count - prefix - suffix)));
        Add(segments, DiffKind.Equal, string.Concat(a.Skip(a.Count - suffix)));
    }

    /// Lines with their line breaks, so that joining them gives the text back.
    private static List<string> Lines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var n = text.IndexOf('\n'); n >= 0; n = text.IndexOf('\n', start))
        {
            lines.Add(text[start..(n + 1)]);
            start = n + 1;
        }
        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }

    /// A line without its break: lines that differ only in \n against \r\n align.
    private static string Content(string line) =>
        line.EndsWith("\r\n", StringComparison.Ordinal) ? line[..^2] : line.EndsWith('\n') ? line[..^1] : line;

    private static void Add(Segments segments, DiffKind kind, string text) => segments.Add(kind, text);

    /// Joins neighbours of one kind in builders: adding line by line to strings would copy a long text once per line.
    private sealed class Segments
    {
        private readonly List<(DiffKind Kind, StringBuilder Text)> _parts = [];

        public void Add(DiffKind kind, string text)
        {
            if (text.Length == 0) return;
            if (_parts.Count > 0 && _parts[^1].Kind == kind) _parts[^1].Text.Append(text);
            else _parts.Add((kind, new StringBuilder(text)));
        }

        public List<DiffSegment> ToList() => [.. _parts.Select(p => new DiffSegment(p.Kind, p.Text.ToString()))];
    }
}
