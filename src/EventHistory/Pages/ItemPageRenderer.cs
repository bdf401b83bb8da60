using System.Globalization;
using System.Text;
using EventHistory.NewsItems;

namespace EventHistory.Pages;

/// Writes an item page byte for byte as the site's generators did (FORMAT.md): trailing spaces,
/// blank-line counts and numbering quirks are part of the format.
public static class ItemPageRenderer
{
    public const string EarlyZhMarker = "_上下文: ";

    public static string Render(ItemPage page)
    {
        if (page.Verbatim is { } verbatim) return verbatim;
        var lines = new List<string>();
        var datePath = $"/news/{page.Date:yyyy}/{page.Date:MM}/{page.Date.Day}";
        if (page.Layout == PageLayouts.B)
        {
            var self = $"{datePath}/{page.Slug}";
            lines.AddRange(["", $"Formats: [HTML]({self}.html)  [JSON]({self}.json)  [XML]({self}.xml)  ", ""]);
        }
        var dateLink = page.Layout == PageLayouts.ZhFirst ? "/zh" + datePath : datePath;
        lines.Add($"### [{PagePaths.DateText(page.Date)}]({dateLink}/index.md)");
        lines.Add("");
        if (page.Topic is { } topic) lines.Add("##### " + topic);
        lines.AddRange(["# " + page.Headline, "", page.Summary, ""]);

        var sources = SourceLines(page);
        var related = RelatedLines(page);
        var changes = ChangeLines(page);
        switch (page.Layout)
        {
            case PageLayouts.A1:
                Section(lines, "Source:", sources);
                Section(lines, "Related:", related);
                Section(lines, "Changes:", changes);
                break;
            case PageLayouts.Zh or PageLayouts.Zh201901 or PageLayouts.ZhFirst:
                Section(lines, "信息来源:", sources);
                Section(lines, "有关:", related);
                break;
            default:
                Section(lines, "Sources:", sources);
                Section(lines, "Changes:", changes);
                Section(lines, "Related:", related);
                break;
        }
        var text = new StringBuilder();
        foreach (var line in lines) text.Append(line).Append('\n');
        return text.ToString();
    }

    private static void Section(List<string> lines, string heading, List<string> items)
    {
        if (items.Count == 0) return;
        lines.AddRange(["", "### " + heading, ""]);
        lines.AddRange(items);
    }

    private static List<string> SourceLines(ItemPage page)
    {
        var lines = page.Sources.Select((s, i) =>
            $"{i + 1}. [{s.Name}]({s.Url})" + (s.Image is { } image ? $" [IMG]({image})" : "")).ToList();
        // The cover image repeats the last source's number (1 when there is none).
        if (page.CoverImage is { } cover) lines.Add($"{Math.Max(1, page.Sources.Count)}. [Cover Image]({cover})");
        return lines;
    }

    /// What opens a related entry's context: each edition's own word, and the early zh layouts' other one.
    public static string ContextMarker(string layout) => layout switch
    {
        PageLayouts.Zh => "_消息: ",
        PageLayouts.Zh201901 or PageLayouts.ZhFirst => EarlyZhMarker,
        _ => "_Context: ",
    };

    private static List<string> RelatedLines(ItemPage page)
    {
        var marker = ContextMarker(page.Layout);
        return page.Related.Select((r, i) => $"{i + 1}. [{r.Headline}]({r.Path}) {marker}{r.Context}_").ToList();
    }

    /// Earlier versions numbered 1..n-1, then the Current line repeating n-1 (the site's rule).
    private static List<string> ChangeLines(ItemPage page)
    {
        if (page.Changes.Count == 0 || PageLayouts.IsChinese(page.Layout)) return [];
        var lines = page.Changes.Select((c, i) =>
            $"{i + 1}. [{c.Headline}]({c.Path}) _{Timestamp(c.EditedAt)} ({(i == 0 ? "First version" : "Update")})_").ToList();
        lines.Add($"{page.Changes.Count}. [{page.Headline}]({page.Path}) _(Current version)_");
        return lines;
    }

    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
