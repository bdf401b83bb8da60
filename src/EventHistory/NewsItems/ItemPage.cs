namespace EventHistory.NewsItems;

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
}

public static class ItemPaths
{
    public static string DayFolder(string edition, DateOnly date) =>
        $"{(edition == "zh" ? "/zh" : "")}/news/{date:yyyy}/{date:MM}/{date.Day}";

    public static string ItemPath(string edition, DateOnly date, string slug) => $"{DayFolder(edition, date)}/{slug}.md";
}
