namespace EventHistory.Pages;

/// A cursor over a page's lines that names the line and what was expected when the page is wrong.
internal sealed class PageLines
{
    private readonly string[] _lines;
    private int _next;

    public PageLines(string text)
    {
        if (text.Length == 0) throw new PageFormatException(1, "the page is empty");
        if (text.Contains('\r')) throw new PageFormatException(text[..text.IndexOf('\r')].Count(c => c == '\n') + 1, "carriage return: pages use \\n line ends");
        if (!text.EndsWith('\n')) throw new PageFormatException(text.Count(c => c == '\n') + 1, "the page does not end with a newline (truncated?)");
        _lines = text[..^1].Split('\n');
    }

    /// The 1-based number of the line read last.
    public int Number => _next;
    public bool AtEnd => _next >= _lines.Length;
    public string? Peek() => PeekAt(0);
    public string? PeekAt(int ahead) => _next + ahead < _lines.Length ? _lines[_next + ahead] : null;
    public void Skip(int count) => _next += count;

    public string Next(string what = "more lines")
    {
        if (AtEnd) throw new PageFormatException(_lines.Length + 1, $"the page ends early: expected {what} (truncated?)");
        return _lines[_next++];
    }

    public void Expect(string line, string what)
    {
        var actual = Next(what);
        if (actual != line) throw new PageFormatException(_next, $"expected {what}");
    }

    public string Prefixed(string prefix, string what)
    {
        var actual = Next(what);
        return actual.StartsWith(prefix, StringComparison.Ordinal) ? actual[prefix.Length..] : throw new PageFormatException(_next, $"expected {what}");
    }

    /// Numbered entry lines up to the next empty line or the end.
    public List<(int Line, string Text)> Items()
    {
        var items = new List<(int, string)>();
        while (!AtEnd && _lines[_next].Length > 0 && char.IsAsciiDigit(_lines[_next][0]))
        {
            items.Add((_next + 1, _lines[_next]));
            _next++;
        }
        return items;
    }
}
