using System.Text;
using EventHistory.NewsItems;

namespace EventHistory.Pages;

/// Day pages (index.md): layout B in English (Formats line, a text line under each item), zh in the
/// Chinese edition (links only). Read and written byte for byte like item pages.
public static class DayPageFormat
{
    private const string EnglishPrevious = "Previous Day...";
    private const string ChinesePrevious = "前一天...";

    public static string Render(DayPage page)
    {
        if (page.Verbatim is { } verbatim) return verbatim;
        var lines = new List<string>();
        var folder = $"{page.Date:yyyy}/{page.Date:MM}/{page.Date.Day}";
        if (page.Layout == PageLayouts.B)
            lines.AddRange(["", $"Formats: [HTML]({folder}/index.html)  [JSON]({folder}/index.json)  [XML]({folder}/index.xml)  ", ""]);
        lines.AddRange([$"## [{PagePaths.DateText(page.Date)}]({HeadingLink(page)})", ""]);
        foreach (var entry in page.Entries)
        {
            if (entry.Topic is { } topic) lines.Add("##### " + topic);
            lines.Add($"### [{entry.Headline}]({entry.Path})");
            if (entry.Text is { } text) lines.AddRange([text, ""]);
        }
        if (page.PreviousDay is { } previous)
            lines.Add($"## [{(PageLayouts.IsChinese(page.Layout) ? ChinesePrevious : EnglishPrevious)}]({previous})");
        // The early zh generators closed with an empty line only after a previous-day link.
        if (page.PreviousDay is not null || !IsEarlyZh(page.Layout)) lines.Add("");
        var sb = new StringBuilder();
        foreach (var line in lines) sb.Append(line).Append('\n');
        return sb.ToString();
    }

    public static DayPage Parse(string path, string text)
    {
        var (edition, date, file) = PagePaths.Split(path) ?? throw new PageFormatException(0, $"'{path}' is not a day page path /news/YYYY/MM/D/index.md");
        if (file != "index") throw new PageFormatException(0, $"'{path}' is not a day page (index.md)");
        var lines = new PageLines(text);
        var layout = edition == "zh" ? PageLayouts.Zh : PageLayouts.B;
        if (layout == PageLayouts.B)
        {
            lines.Expect("", "an empty first line");
            lines.Prefixed("Formats: ", "the Formats line");
            lines.Expect("", "an empty line after the Formats line");
        }
        var page = new DayPage(edition, date, layout, [], null);
        var heading = $"## [{PagePaths.DateText(date)}]({page.Path})";
        // The zh generator of 2019-01 linked the day's own heading under /news, not /zh/news.
        if (edition == "zh" && lines.Peek() == heading.Replace("](/zh/news/", "](/news/")) { layout = PageLayouts.Zh201901; lines.Skip(1); }
        else lines.Expect(heading, $"the day heading for {PagePaths.DateText(date)} (the page's folder)");
        lines.Expect("", "an empty line after the day heading");
        var entries = new List<DayEntry>();
        string? previous = null;
        while (!lines.AtEnd)
        {
            var line = lines.Next();
            if (line.StartsWith("## [", StringComparison.Ordinal))
            {
                var open = line.IndexOf("](", StringComparison.Ordinal);
                if (open < 0 || !line.EndsWith(')')) throw new PageFormatException(lines.Number, "expected '## [Previous Day...](/news/.../index.md)'");
                previous = line[(open + 2)..^1];
                lines.Expect("", "an empty line after the previous-day link");
                break;
            }
            string? topic = null;
            if (line.StartsWith("##### ", StringComparison.Ordinal)) { topic = line[6..]; line = lines.Next("an item link after the topic line"); }
            if (!line.StartsWith("### [", StringComparison.Ordinal) || !line.EndsWith(".md)", StringComparison.Ordinal))
                throw new PageFormatException(lines.Number, "expected an item link '### [Headline](/news/.../SLUG.md)'");
            var at = line.LastIndexOf("](/", StringComparison.Ordinal);
            if (at < 0) throw new PageFormatException(lines.Number, "expected an item link '### [Headline](/news/.../SLUG.md)'");
            string? entryText = null;
            if (layout == PageLayouts.B || (edition == "zh" && lines.Peek()?.StartsWith(ItemPageRenderer.EarlyZhMarker, StringComparison.Ordinal) == true))
            {
                entryText = lines.Next("the item's text line");
                lines.Expect("", "an empty line after the item's text");
            }
            entries.Add(new DayEntry(topic, line[5..at], line[(at + 2)..^1], entryText));
        }
        // Under a /zh heading, context lines or a page closing without a previous-day link are the first zh generator's.
        if (layout == PageLayouts.Zh && (previous is null || entries.Any(e => e.Text is not null))) layout = PageLayouts.ZhFirst;
        page = page with { Layout = layout, Entries = entries, PreviousDay = previous };
        ItemPageParser.EnsureRoundTrip(text, Render(page), "day page " + layout);
        return page;
    }

    /// For a history import: the day page parsed strictly when a known layout reads it, otherwise kept
    /// byte for byte (Verbatim) with its edition and date from the path and the strict parser's
    /// complaint. Only a path that is no day page path is rejected.
    public static DayPage ParseHistory(string path, string text)
    {
        try
        {
            return Parse(path, text);
        }
        catch (PageFormatException e) when (PagePaths.Split(path) is { File: "index" } split)
        {
            return new DayPage(split.Edition, split.Date, PageLayouts.Unknown, [], null) { Verbatim = text, UnknownLine = e.Message };
        }
    }

    private static bool IsEarlyZh(string layout) => layout is PageLayouts.ZhFirst or PageLayouts.Zh201901;

    private static string HeadingLink(DayPage page) => page.Layout == PageLayouts.Zh201901 ? page.Path[3..] : page.Path;
}
