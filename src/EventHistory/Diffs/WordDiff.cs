namespace EventHistory.Diffs;

public enum DiffKind { Equal, Insert, Delete }

public sealed record DiffSegment(DiffKind Kind, string Text);

/// Word-level diff of two texts (Myers' O(ND) algorithm over word, space and punctuation tokens).
/// Joining the Equal and Delete segments gives the old text back, Equal and Insert the new one.
public static class WordDiff
{
    /// Past this many edits the middle is reported as one deletion and one insertion: texts that
    /// different are replaced, not edited, and the trace would cost O(D * N) memory.
    public const int MaxEdits = 4_000;

    public static IReadOnlyList<DiffSegment> Compare(string before, string after)
    {
        var a = Tokenize(before);
        var b = Tokenize(after);
        var prefix = 0;
        while (prefix < a.Count && prefix < b.Count && a[prefix] == b[prefix]) prefix++;
        var suffix = 0;
        while (suffix < a.Count - prefix && suffix < b.Count - prefix && a[^(suffix + 1)] == b[^(suffix + 1)]) suffix++;

        var segments = new List<DiffSegment>();
        Add(segments, DiffKind.Equal, a.Take(prefix));
        var middleA = a.Skip(prefix).Take(a.Count - prefix - suffix).ToList();
        var middleB = b.Skip(prefix).Take(b.Count - prefix - suffix).ToList();
        // Runs of one kind are joined at once: adding token by token copies a long run once per token.
        var edits = Myers(middleA, middleB).ToList();
        for (var i = 0; i < edits.Count;)
        {
            var j = i;
            while (j < edits.Count && edits[j].Item1 == edits[i].Item1) j++;
            Add(segments, edits[i].Item1, edits.GetRange(i, j - i).Select(e => e.Item2));
            i = j;
        }
        Add(segments, DiffKind.Equal, a.Skip(a.Count - suffix));
        return segments;
    }

    public static bool HasChanges(IReadOnlyList<DiffSegment> diff) => diff.Any(s => s.Kind != DiffKind.Equal);

    public static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            if (char.IsLetterOrDigit(text[i])) while (i < text.Length && char.IsLetterOrDigit(text[i])) i++;
            else if (char.IsWhiteSpace(text[i])) while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            else i += char.IsSurrogatePair(text, i) ? 2 : 1;
            tokens.Add(text[start..i]);
        }
        return tokens;
    }

    private static void Add(List<DiffSegment> segments, DiffKind kind, IEnumerable<string> tokens)
    {
        var text = string.Concat(tokens);
        if (text.Length == 0) return;
        if (segments.Count > 0 && segments[^1].Kind == kind) segments[^1] = segments[^1] with { Text = segments[^1].Text + text };
        else segments.Add(new DiffSegment(kind, text));
    }

    private static IEnumerable<(DiffKind, string)> Myers(List<string> a, List<string> b)
    {
        int n = a.Count, m = b.Count, max = n + m, offset = max + 1;
        if (n == 0 || m == 0 || Math.Min(max, MaxEdits) < Math.Abs(n - m)) return Replace(a, b);
        var v = new int[2 * max + 3];
        var trace = new List<int[]>();
        for (var d = 0; d <= Math.Min(max, MaxEdits); d++)
        {
            // Step d reads only diagonals -d-1..d+1: keeping that slice makes the trace O(D^2), not O(D * N).
            trace.Add(v[(offset - d - 1)..(offset + d + 2)]);
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && a[x] == b[y]) { x++; y++; }
                v[offset + k] = x;
                if (x >= n && y >= m) return Backtrack(trace, a, b);
            }
        }
        return Replace(a, b);
    }

    private static IEnumerable<(DiffKind, string)> Replace(List<string> a, List<string> b) =>
        a.Select(t => (DiffKind.Delete, t)).Concat(b.Select(t => (DiffKind.Insert, t)));

    private static List<(DiffKind, string)> Backtrack(List<int[]> trace, List<string> a, List<string> b)
    {
        var edits = new List<(DiffKind, string)>();
        int x = a.Count, y = b.Count;
        for (var d = trace.Count - 1; d >= 0; d--)
        {
            var v = trace[d];
            var offset = d + 1;
            var k = x - y;
            var prevK = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? k + 1 : k - 1;
            var prevX = v[offset + prevK];
            var prevY = prevX - prevK;
            while (x > prevX && y > prevY) { x--; y--; edits.Add((DiffKind.Equal, a[x])); }
            if (d > 0)
            {
                if (x == prevX) edits.Add((DiffKind.Insert, b[--y]));
                else edits.Add((DiffKind.Delete, a[--x]));
            }
        }
        edits.Reverse();
        return edits;
    }
}
