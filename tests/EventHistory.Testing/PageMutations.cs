using System.Text;

namespace EventHistory.Testing;

public enum Mutation
{
    Truncated, FlippedBytes, ShuffledLines, HugeLine, HugeHeadline, DroppedLine, DuplicatedLine,
    ControlCharacters, InvalidUtf8, Empty, WhitespaceOnly, CarriageReturns,
}

/// A corpus page damaged in one way. Source is the page's path relative to the corpus root.
public sealed record MutatedPage(int Index, string Source, Mutation Mutation, string Description, byte[] Bytes)
{
    public override string ToString() => $"#{Index} {Mutation} of {Source}: {Description}";
}

/// Damaged versions of the real corpus pages, for feeding an importer what it must reject (or
/// survive) cleanly: truncations, flipped bytes, shuffled lines, huge lines and more. The same
/// seed gives the same pages, byte for byte, on every machine, so a failure names a page that
/// can be produced again: Generate(seed).ElementAt(index).
public static class PageMutations
{
    public const int DefaultSeed = 6;
    public const int HugeLineLength = 1 << 20;

    /// A stray byte, a lead byte before ASCII, a cut sequence, an encoded surrogate, an overlong slash.
    private static readonly byte[][] InvalidSequences = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF]];

    private static readonly Lazy<IReadOnlyList<(string Path, byte[] Bytes)>> Pages = new(() => LoadPages(Corpus.Root));

    /// Item pages (not day pages) of both editions, in a stable order.
    public static IReadOnlyList<(string Path, byte[] Bytes)> CorpusPages => Pages.Value;

    public static IEnumerable<MutatedPage> Generate(int count, int seed = DefaultSeed)
    {
        var random = new Random(seed);
        var kinds = Enum.GetValues<Mutation>();
        for (var i = 0; i < count; i++)
        {
            var (path, bytes) = CorpusPages[random.Next(CorpusPages.Count)];
            var kind = kinds[i % kinds.Length];
            var (description, mutated) = Mutate(bytes, kind, random);
            yield return new MutatedPage(i, path, kind, description, mutated);
        }
    }

    /// One mutation of one page; the result always differs from the page.
    public static (string Description, byte[] Bytes) Mutate(byte[] page, Mutation kind, Random random)
    {
        var (description, bytes) = kind switch
        {
            Mutation.Truncated => Truncate(page, random),
            Mutation.FlippedBytes => FlipBytes(page, random),
            Mutation.ShuffledLines => Lines(page, lines => { Shuffle(lines, random); return "lines shuffled"; }),
            Mutation.HugeLine => Lines(page, lines =>
            {
                var at = random.Next(lines.Count + 1);
                lines.Insert(at, new string((char)('a' + random.Next(26)), HugeLineLength));
                return $"a line of {HugeLineLength} characters inserted before line {at + 1}";
            }),
            Mutation.HugeHeadline => Lines(page, lines =>
            {
                var at = Math.Max(0, lines.FindIndex(l => l.StartsWith("# ", StringComparison.Ordinal)));
                lines[at] = "# " + string.Concat(Enumerable.Repeat(lines[at].TrimStart('#', ' ') + " ", HugeLineLength / Math.Max(1, lines[at].Length)));
                return $"line {at + 1} (the headline) repeated to over {HugeLineLength / 2} characters";
            }),
            Mutation.DroppedLine => Lines(page, lines =>
            {
                var at = random.Next(lines.Count);
                lines.RemoveAt(at);
                return $"line {at + 1} removed";
            }),
            Mutation.DuplicatedLine => Lines(page, lines =>
            {
                var at = random.Next(lines.Count);
                lines.Insert(at, lines[at] + (lines[at].Length == 0 ? " " : ""));
                return $"line {at + 1} doubled";
            }),
            Mutation.ControlCharacters => Lines(page, lines =>
            {
                var at = random.Next(lines.Count);
                var control = "\0\u0001\u0007\u001b\u007f\u0085"[random.Next(6)];
                lines[at] = lines[at].Insert(random.Next(lines[at].Length + 1), control.ToString());
                return $"U+{(int)control:X4} inserted into line {at + 1}";
            }),
            Mutation.InvalidUtf8 => Splice(page, random.Next(page.Length + 1), InvalidSequences[random.Next(InvalidSequences.Length)]),
            Mutation.Empty => ("empty file", []),
            Mutation.WhitespaceOnly => ("only blank lines", Encoding.UTF8.GetBytes(new string('\n', 1 + random.Next(8)))),
            Mutation.CarriageReturns => ("line ends turned into CR LF", Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(page).Replace("\n", "\r\n"))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        if (bytes.AsSpan().SequenceEqual(page)) return ("unchanged by the mutation, so cut in half", page[..(page.Length / 2)]);
        return (description, bytes);
    }

    private static (string, byte[]) Truncate(byte[] page, Random random)
    {
        var length = random.Next(page.Length);
        return ($"cut after {length} of {page.Length} bytes", page[..length]);
    }

    private static (string, byte[]) FlipBytes(byte[] page, Random random)
    {
        var bytes = (byte[])page.Clone();
        var flips = 1 + random.Next(8);
        var positions = new List<int>();
        for (var i = 0; i < flips && bytes.Length > 0; i++)
        {
            var at = random.Next(bytes.Length);
            bytes[at] ^= (byte)(1 + random.Next(255));
            positions.Add(at);
        }
        return ($"bytes flipped at {string.Join(", ", positions)}", bytes);
    }

    private static (string, byte[]) Splice(byte[] page, int at, byte[] insert) =>
        ($"invalid UTF-8 {Convert.ToHexString(insert)} at byte {at}", [.. page[..at], .. insert, .. page[at..]]);

    private static (string, byte[]) Lines(byte[] page, Func<List<string>, string> change)
    {
        var lines = Encoding.UTF8.GetString(page).Split('\n').ToList();
        var description = change(lines);
        return (description, Encoding.UTF8.GetBytes(string.Join('\n', lines)));
    }

    private static void Shuffle(List<string> lines, Random random)
    {
        for (var i = lines.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (lines[i], lines[j]) = (lines[j], lines[i]);
        }
    }

    private static IReadOnlyList<(string, byte[])> LoadPages(string root) =>
        Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Where(p => p.Contains("/news/", StringComparison.Ordinal) && !p.EndsWith("/index.md", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(p => (p, File.ReadAllBytes(Path.Combine(root, p))))
            .ToList();
}
