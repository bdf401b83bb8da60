using MediatR;

namespace EventHistory.Pages;

/// A day page as the site had it: the imported index.md in force now, or at an edit time, which is
/// what the .md export serves. Null when no day page was imported for that date (or it was deleted then).
public static class GetDayPage
{
    public sealed record Query(string IndexPath, DateTimeOffset? At = null) : IRequest<DayPage?>;

    public sealed class Handler(EventStore.EventStore store) : IRequestHandler<Query, DayPage?>
    {
        public async Task<DayPage?> Handle(Query q, CancellationToken ct)
        {
            var at = q.At ?? DateTimeOffset.MaxValue;
            // The last version written by then wins; of equal times, the later in the stream (PageVersions.InForce's rule).
            (DateTimeOffset At, DayPage? Page)? inForce = null;
            foreach (var e in (await store.ReadStreamAsync(PageStreams.DayPageId(q.IndexPath), ct)).Select(e => e.Data))
            {
                var version = e switch
                {
                    DayPagePublished p when p.FilePath == q.IndexPath => (p.EditedAt, p.Page),
                    DayPageFileDeleted d when DayPageFiles.PathOf(q.IndexPath, d.FileName) == q.IndexPath => (d.EditedAt, (DayPage?)null),
                    _ => ((DateTimeOffset, DayPage?)?)null,
                };
                if (version is { } v && v.Item1 <= at && (inForce is null || v.Item1 >= inForce.Value.At)) inForce = v;
            }
            return inForce?.Page;
        }
    }
}
