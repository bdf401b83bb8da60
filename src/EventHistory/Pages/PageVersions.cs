using EventHistory.NewsItems;

namespace EventHistory.Pages;

/// One version of a page file as a stream's history wrote it: its path, when, and its text
/// (null: the file was deleted then). Listed is false for versions of a retracted item, which the
/// site does not show. A day page's version also carries the page its text is rendered from
/// (Day; null for a deletion), for the pages that show it otherwise than as Markdown.
public sealed record FileVersion(string Path, DateTimeOffset WrittenAt, Func<string?> Text, bool Listed = true, DayPage? Day = null);

/// The page files a history wrote, version by version, for the exporter (what the site showed as
/// of a time) and the importer (whether a page is already what is in force at its path).
public static class PageVersions
{
    public static IEnumerable<FileVersion> OfItem(IReadOnlyList<INewsItemEvent> history)
    {
        NewsItem? state = null;
        foreach (var e in history)
        {
            if (e is EarlierPageFound found)
            {
                yield return new FileVersion(found.Page.Path, found.EditedAt, () => ItemPageRenderer.Render(found.Page));
                continue;
            }
            state = state is null ? NewsItem.Create((NewsItemCreated)e) : state.Apply(e);
            // Only events that write the page: not a version known from a list, a deletion, or an attachment.
            if (e is PageFileDeleted deleted) yield return new FileVersion(deleted.Path, deleted.EditedAt, () => null);
            else if (e is not (EarlierVersionFound or INewsItemAttachment) && state.HasPage)
            {
                var page = state.Page;
                yield return new FileVersion(page.Path, e.EditedAt, () => ItemPageRenderer.Render(page), state.Status == ItemStatus.Published);
            }
        }
    }

    public static IEnumerable<FileVersion> OfDay(IEnumerable<object> history)
    {
        string? indexPath = null;
        foreach (var e in history)
        {
            if (e is DayPagePublished published)
            {
                indexPath = published.Page.Path;
                yield return new FileVersion(published.FilePath, published.EditedAt, () => DayPageFormat.Render(published.Page), Day: published.Page);
            }
            else if (e is DayPageFileDeleted deleted && indexPath is not null)
                yield return new FileVersion(DayPageFiles.PathOf(indexPath, deleted.FileName), deleted.EditedAt, () => null);
        }
    }

    /// The version of <paramref name="path"/> in force at <paramref name="at"/>: the last written
    /// then (of equal times, the later in history); null when none was.
    public static FileVersion? InForce(IEnumerable<FileVersion> versions, string path, DateTimeOffset at)
    {
        FileVersion? last = null;
        foreach (var v in versions)
            if (v.Path == path && v.WrittenAt <= at && (last is null || v.WrittenAt >= last.WrittenAt)) last = v;
        return last;
    }

    /// Whether the page's text is already known at its path: the version in force at the import's
    /// time when it gives one (a page may come back to an earlier text: that is a new version), else
    /// any version, so re-importing any known file appends nothing.
    public static bool IsKnown(IEnumerable<FileVersion> versions, string path, string text, DateTimeOffset? at) =>
        at is { } t
            ? InForce(versions, path, t)?.Text() == text
            : versions.Any(v => v.Path == path && v.Text() == text);
}
