using EventHistory.NewsItems;

namespace EventHistory.Pages;

/// The generator versions a page can come in (FORMAT.md): A1 and A2 open with the date line, B with
/// a Formats line and a topic line, zh is the Chinese edition. Unseen marks a version known only
/// from another page's Changes list: there is no page of it to render.
public static class PageLayouts
{
    public const string A1 = "A1";
    public const string A2 = "A2";
    public const string B = "B";
    public const string Zh = "zh";
    public const string Unseen = "unseen";

    public static string DefaultFor(string edition) => edition == "zh" ? Zh : B;
}

/// One entry of a page's Changes list: an earlier version's headline, its path then, and when it was written.
public sealed record PageChange(string Headline, string Path, DateTimeOffset EditedAt);

/// An item page as the site wrote it: everything the renderer needs, nothing of its bytes.
/// <see cref="Changes"/> holds the earlier versions only; the Current line is the page itself.
public sealed record ItemPage(
    string Edition, DateOnly Date, string Slug, string Layout, string Headline, string Summary,
    IReadOnlyList<Source> Sources, string? CoverImage, string? Topic, IReadOnlyList<RelatedItem> Related,
    IReadOnlyList<PageChange> Changes)
{
    public string Path => ItemPaths.ItemPath(Edition, Date, Slug);
}

/// One item on a day page: its topic line (null when absent), the linked headline and path as the
/// day page showed them, and the text under the link (the summary or a _Context_ line; null in zh).
public sealed record DayEntry(string? Topic, string Headline, string Path, string? Text);

public sealed record DayPage(string Edition, DateOnly Date, string Layout, IReadOnlyList<DayEntry> Entries, string? PreviousDay)
{
    public string Path => ItemPaths.DayFolder(Edition, Date) + "/index.md";
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
