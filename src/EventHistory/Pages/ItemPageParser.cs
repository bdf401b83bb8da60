using System.Globalization;
using System.Text.RegularExpressions;
using EventHistory.NewsItems;

namespace EventHistory.Pages;

/// Reads an item page of any layout into an <see cref="ItemPage"/>. Edition, date and slug come
/// from the page's path (slugs are taken from files, never recomputed). A page is accepted only if
/// rendering what was read gives back its exact bytes, so nothing is lost on the way into history.
public static partial class ItemPageParser
{
    public static ItemPage Parse(string path, string text)
    {
        var (edition, date, slug) = PagePaths.Split(path) ?? throw new PageFormatException(0, $"'{path}' is not a page path /news/YYYY/MM/D/SLUG.md");
        var lines = new PageLines(text);
        var layout = edition == "zh" ? PageLayouts.Zh : PageLayouts.A1;
        if (lines.Peek() == "" && lines.PeekAt(1)?.StartsWith("Formats: ", StringComparison.Ordinal) == true)
        {
            if (edition == "zh") throw new PageFormatException(2, "a Chinese page has no Formats line");
            layout = PageLayouts.B;
            lines.Skip(3);
        }
        var dateText = PagePaths.DateText(date);
        var dateLine = $"### [{dateText}](/news/{date:yyyy}/{date:MM}/{date.Day}/index.md)";
        // Only the first zh generator linked the date line under /zh (docs/pages.md).
        if (edition == "zh" && lines.Peek() == dateLine.Replace("](/news/", "](/zh/news/")) { layout = PageLayouts.ZhFirst; lines.Skip(1); }
        else lines.Expect(dateLine, $"the date line for {dateText} (the page's folder)");
        lines.Expect("", "an empty line after the date line");
        string? topic = null;
        if (lines.Peek()?.StartsWith("##### ", StringComparison.Ordinal) == true) topic = lines.Next()[6..];
        var headline = lines.Prefixed("# ", "the headline line '# ...'");
        if (headline.Trim().Length == 0) throw new PageFormatException(lines.Number, "the headline is empty");
        lines.Expect("", "an empty line after the headline");
        var summary = lines.Next("the summary line (may be empty)");
        lines.Expect("", "an empty line after the summary");

        var sources = new List<Source>();
        string? cover = null;
        var related = new List<RelatedItem>();
        var changes = new List<PageChange>();
        var order = new List<string>();
        while (!lines.AtEnd)
        {
            lines.Expect("", "an empty line before a section");
            var heading = lines.Prefixed("### ", "a section heading '### ...:'");
            lines.Expect("", "an empty line after the section heading");
            var items = lines.Items();
            if (items.Count == 0) throw new PageFormatException(lines.Number, $"section '{heading}' has no entries");
            switch (heading)
            {
                case "Source:" or "Sources:" or "信息来源:":
                    if (heading == "Sources:" && layout == PageLayouts.A1) layout = PageLayouts.A2;
                    foreach (var (n, line) in items) ParseSource(n, line, sources, ref cover);
                    break;
                case "Related:" or "有关:":
                    // The zh generators before the final one marked the context _上下文:_, not _消息:_.
                    if (layout == PageLayouts.Zh && items[0].Text.Contains(") " + ItemPageRenderer.EarlyZhMarker, StringComparison.Ordinal))
                        layout = PageLayouts.Zh201901;
                    foreach (var (n, line) in items) related.Add(ParseRelated(n, line, ItemPageRenderer.ContextMarker(layout)));
                    break;
                case "Changes:":
                    changes = ParseChanges(items, headline, ItemPaths.ItemPath(edition, date, slug));
                    break;
                default:
                    throw new PageFormatException(lines.Number - items.Count - 1, $"unknown section '{heading}'");
            }
            order.Add(heading);
        }
        // A page without a Sources heading shows its generator only by its section order.
        if (layout == PageLayouts.A1 && order.IndexOf("Changes:") is var c and >= 0 && order.IndexOf("Related:") is var r and >= 0 && c < r)
            layout = PageLayouts.A2;

        var page = new ItemPage(edition, date, slug, layout, headline, summary, sources, cover, topic, related, changes);
        EnsureRoundTrip(text, ItemPageRenderer.Render(page), layout);
        return page;
    }

    /// For a history import: the page parsed strictly when a known layout reads it, otherwise kept
    /// byte for byte (Verbatim) with what can still be read: edition, date and slug from the path, the
    /// headline from its first "# " line (else the slug), and the strict parser's complaint. Only a
    /// path that is no page path is rejected.
    public static ItemPage ParseHistory(string path, string text)
    {
        try
        {
            return Parse(path, text);
        }
        catch (PageFormatException e) when (PagePaths.Split(path) is { } split)
        {
            var headline = text.Split('\n').FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal) && l.Trim().Length > 1)?[2..] ?? split.File;
            return new ItemPage(split.Edition, split.Date, split.File, PageLayouts.Unknown, headline, "", [], null, null, [], [])
            {
                Verbatim = text,
                UnknownLine = e.Message,
            };
        }
    }

    private static void ParseSource(int n, string line, List<Source> sources, ref string? cover)
    {
        var m = SourceLine().Match(line);
        if (!m.Success) throw new PageFormatException(n, "a source entry must read 'N. [Name](URL)'");
        if (m.Groups[1].Value == "Cover Image") { cover = m.Groups[2].Value; return; }
        var url = m.Groups[2].Value;
        string? image = null;
        var img = url.LastIndexOf(") [IMG](", StringComparison.Ordinal);
        if (img >= 0) { image = url[(img + 8)..]; url = url[..img]; }
        sources.Add(new Source(m.Groups[1].Value, url, image));
    }

    private static RelatedItem ParseRelated(int n, string line, string marker)
    {
        var at = line.IndexOf(") " + marker, StringComparison.Ordinal);
        var open = at < 0 ? -1 : line.LastIndexOf("](", at, StringComparison.Ordinal);
        var start = line.IndexOf(". [", StringComparison.Ordinal);
        if (at < 0 || open < 0 || start < 0 || !line.EndsWith('_'))
            throw new PageFormatException(n, $"a related entry must read 'N. [Headline](/news/...) {marker}..._'");
        return new RelatedItem(line[(start + 3)..open], line[(open + 2)..at], line[(at + 2 + marker.Length)..^1]);
    }

    private static List<PageChange> ParseChanges(List<(int Line, string Text)> items, string headline, string ownPath)
    {
        var changes = new List<PageChange>();
        for (var i = 0; i < items.Count; i++)
        {
            var (n, line) = items[i];
            var m = ChangeLine().Match(line);
            if (!m.Success) throw new PageFormatException(n, "a Changes entry must read 'N. [Headline](/news/...) _YYYY-MM-DD HH:MM:SS (First version|Update)_' or '... _(Current version)_'");
            var current = m.Groups[3].Value == "";
            if (current != (i == items.Count - 1))
                throw new PageFormatException(n, current ? "the (Current version) entry must come last" : "the Changes list must end with the (Current version) entry");
            if (current)
            {
                if (m.Groups[1].Value != headline || m.Groups[2].Value != ownPath)
                    throw new PageFormatException(n, "the (Current version) entry must show the page's own headline and path");
                continue;
            }
            if ((m.Groups[4].Value == "First version") != (i == 0))
                throw new PageFormatException(n, i == 0 ? "the Changes list must start with the (First version)" : "only the first entry is the (First version)");
            var time = DateTime.ParseExact(m.Groups[3].Value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            var at = new DateTimeOffset(time, TimeSpan.Zero);
            if (changes.Count > 0 && at < changes[^1].EditedAt) throw new PageFormatException(n, "the Changes entries must be in time order");
            changes.Add(new PageChange(m.Groups[1].Value, m.Groups[2].Value, at));
        }
        return changes;
    }

    public static void EnsureRoundTrip(string text, string rendered, string layout)
    {
        if (rendered == text) return;
        var a = text.Split('\n');
        var b = rendered.Split('\n');
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        var expected = i < b.Length ? b[i] : "(end of page)";
        if (expected.Length > 80) expected = expected[..80] + "...";
        throw new PageFormatException(i + 1, $"does not follow layout {layout}: expected \"{expected}\"");
    }

    [GeneratedRegex(@"^\d+\. \[(.*?)\]\((.*)\)$")]
    private static partial Regex SourceLine();

    [GeneratedRegex(@"^\d+\. \[(.*)\]\((/[^ ]*\.md)\) _(?:(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \((First version|Update)\)|\(Current version\))_$")]
    private static partial Regex ChangeLine();
}
