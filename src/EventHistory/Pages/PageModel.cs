using System.Text.Json.Serialization;
using EventHistory.NewsItems;

namespace EventHistory.Pages;

/// One item on a day page: its topic line (null when absent), the linked headline and path as the
/// day page showed them, and the text under the link (the summary or a _Context_ line in English, the
/// _上下文: ..._ line in the early zh layouts; null in the final zh layout and where an entry has none).
public sealed record DayEntry(string? Topic, string Headline, string Path, string? Text);

public sealed record DayPage(string Edition, DateOnly Date, string Layout, IReadOnlyList<DayEntry> Entries, string? PreviousDay)
{
    public string Path => ItemPaths.DayFolder(Edition, Date) + "/index.md";

    /// The exact text of a day page no known layout reads; rendered back unchanged (see ItemPage.Verbatim).
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Verbatim { get; init; }

    /// Where and why the strict parser gave up on a Verbatim page ("line 3: expected ...").
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? UnknownLine { get; init; }
}

/// A page that does not follow its layout: the 1-based line and why.
public sealed class PageFormatException(int line, string reason) : Exception($"line {line}: {reason}")
{
    public int Line { get; } = line;
    public string Reason { get; } = reason;
}

public static class PagePaths
{
    /// The page path ("/news/2017/07/30/slug.md", "/zh/news/...") of a file path relative to an
    /// import root: from its last "news" folder on; "zh" right before it marks the Chinese edition.
    public static string? FromRelative(string relative)
    {
        var parts = relative.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var news = Array.LastIndexOf(parts, "news");
        if (news < 0 || parts.Length - news != 5) return null;
        var zh = news > 0 && parts[news - 1] == "zh";
        return (zh ? "/zh/" : "/") + string.Join('/', parts[news..]);
    }

    /// Edition, date and file name of a page path; null when it is not /news/YYYY/MM/D/FILE.md.
    public static (string Edition, DateOnly Date, string File)? Split(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var zh = parts.Length > 0 && parts[0] == "zh";
        if (zh) parts = parts[1..];
        if (parts.Length != 5 || parts[0] != "news" || !parts[4].EndsWith(".md", StringComparison.Ordinal) || parts[4].Length <= 3) return null;
        if (parts[1].Length != 4 || parts[2].Length != 2 || parts[3].StartsWith('0')) return null;
        if (!int.TryParse(parts[1], out var y) || !int.TryParse(parts[2], out var m) || !int.TryParse(parts[3], out var d)) return null;
        if (m is < 1 or > 12 || y < 1 || d < 1 || d > DateTime.DaysInMonth(y, m)) return null;
        return (zh ? "zh" : "en", new DateOnly(y, m, d), parts[4][..^3]);
    }

    public static string DateText(DateOnly date) => $"{date:yyyy}-{date:MM}-{date.Day}";
}
