using System.Text.Json.Serialization;

namespace EventHistory.NewsItems;

/// The generator versions a page can come in (FORMAT.md, docs/pages.md): A1 and A2 open with the date
/// line, B with a Formats line and a topic line, zh is the Chinese edition's final one. The zh git
/// history holds two earlier Chinese ones, named by when they appeared: ZhFirst (the first two news
/// commits, 2019-01-26 20:09: the page's own links under /zh/news, context marker _上下文:_, day
/// entries with a context line) and Zh201901 (from 20:17 that day on: the same with links under
/// /news). Unseen marks a version known only from another page's Changes list: there is no page of
/// it to render. Unknown marks a page of no known layout, kept byte for byte (ItemPage.Verbatim).
/// The names are stored in events forever.
public static class PageLayouts
{
    public const string A1 = "A1";
    public const string A2 = "A2";
    public const string B = "B";
    public const string Zh = "zh";
    public const string ZhFirst = "zh-2019-01-first";
    public const string Zh201901 = "zh-2019-01";
    public const string Unseen = "unseen";
    public const string Unknown = "unknown";

    public static string DefaultFor(string edition) => edition == "zh" ? Zh : B;

    public static bool IsChinese(string layout) => layout is Zh or ZhFirst or Zh201901;
}

/// One entry of a page's Changes list: an earlier version's headline, its path then, and when it was written.
public sealed record PageChange(string Headline, string Path, DateTimeOffset EditedAt);

/// An item page as the site wrote it: everything the renderer needs, nothing of its bytes. It is the
/// payload of PagePublished and EarlierPageFound and the state's Page, so it lives with the item's
/// events; reading and writing the page's text is the Pages feature's.
/// <see cref="Changes"/> holds the earlier versions only; the Current line is the page itself.
public sealed record ItemPage(
    string Edition, DateOnly Date, string Slug, string Layout, string Headline, string Summary,
    IReadOnlyList<Source> Sources, string? CoverImage, string? Topic, IReadOnlyList<RelatedItem> Related,
    IReadOnlyList<PageChange> Changes)
{
    public string Path => ItemPaths.ItemPath(Edition, Date, Slug);

    /// The exact text of a page no known layout reads (a history import keeps it rather than lose
    /// it); the renderer gives it back unchanged. Null, and absent from stored JSON, for every other page.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Verbatim { get; init; }

    /// Where and why the strict parser gave up on a Verbatim page ("line 3: expected ...").
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? UnknownLine { get; init; }
}

public static class ItemPaths
{
    public static string DayFolder(string edition, DateOnly date) =>
        $"{(edition == "zh" ? "/zh" : "")}/news/{date:yyyy}/{date:MM}/{date.Day}";

    public static string ItemPath(string edition, DateOnly date, string slug) => $"{DayFolder(edition, date)}/{slug}.md";
}
