using System.Security.Cryptography;
using System.Text;
using EventHistory.EventStore;
using EventHistory.NewsItems;

namespace EventHistory.Pages;

/// The site wrote the day page like this; a day page's stream holds each version seen, of its
/// index.md and of the README.md the site keeps beside it (<see cref="FileName"/>; null is index.md).
public sealed record DayPagePublished(DayPage Page, DateTimeOffset EditedAt, string? Reason = null)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? FileName { get; init; }

    public string FilePath => DayPageFiles.PathOf(Page.Path, FileName);
}

/// A file of the day page left the site (a history import saw it deleted).
public sealed record DayPageFileDeleted(string FileName, DateTimeOffset EditedAt, string? Reason = null);

/// A commit of a site repository was imported, in the same transaction as its pages' events: a
/// resumed import goes on after the last one. Pages counts the page files the commit changed.
public sealed record GitCommitImported(string Commit, DateTimeOffset CommittedAt, string Subject, int Pages);

/// A git history import's progress stream: the commits imported so far, the last one to go on after.
public sealed record GitImport(IReadOnlyList<GitCommitImported> Commits)
{
    public GitCommitImported? Last => Commits.Count > 0 ? Commits[^1] : null;
}

/// A day folder's page files: index.md, and README.md with the same content beside it.
public static class DayPageFiles
{
    public const string Index = "index.md";
    public const string Readme = "README.md";

    /// The file name of a day page path, or null when the path names no day page file.
    public static string? NameOf(string path) =>
        PagePaths.Split(path)?.File switch { "index" => Index, "README" => Readme, _ => null };

    /// The path of <paramref name="fileName"/> in the folder of the day page at <paramref name="indexPath"/>.
    public static string PathOf(string indexPath, string? fileName) =>
        fileName is null or Index ? indexPath : indexPath[..(indexPath.LastIndexOf('/') + 1)] + fileName;

    public static string IndexPathOf(string path) => path[..(path.LastIndexOf('/') + 1)] + Index;
}

public static class DayPageEventTypes
{
    /// Fixed forever, like the item's own (EventTypeNamesTests pins them).
    public static EventTypes Register(EventTypes types) => types
        .RegisterStream<DayPage>(PageStreams.DayPageType)
        .Register<DayPagePublished>("day_page_published")
        .Register<DayPageFileDeleted>("day_page_file_deleted")
        .RegisterStream<GitImport>(PageStreams.GitImportType)
        .Register<GitCommitImported>("git_commit_imported");
}

public static class PageStreams
{
    public const string DayPageType = "day_page";
    public const string GitImportType = "git_import";

    public static Guid DayPageId(string path) => NameBased("day-page:" + path);

    /// A new imported item's stream id comes from its earliest path, so two imports of one page racing
    /// each other meet on the same stream (one of them gets a version conflict) instead of making two items.
    public static Guid ItemId(string earliestPath) => NameBased("news-item:" + earliestPath);

    /// The progress stream of a git history import: one per repository (its first commit) and edition.
    public static Guid GitImportId(string rootCommit, string edition) => NameBased($"git-import:{edition}:{rootCommit}");

    private static Guid NameBased(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// The time a page version is recorded at when the import does not say (--at): its last Changes
    /// entry, or lacking one, the news day at 00:00 UTC.
    public static DateTimeOffset DefaultTime(DateOnly date, IReadOnlyList<PageChange> changes) =>
        changes.Count > 0 ? changes[^1].EditedAt : new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
