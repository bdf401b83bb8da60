using MediatR;

namespace EventHistory.Pages;

/// A day page as the site had it: the imported index.md in force now, or at an edit time, which is
/// what the .md export serves. Null when no day page was imported for that date (or it was deleted then).
public static class GetDayPage
{
    public sealed record Query(string IndexPath, DateTimeOffset? At = null) : IRequest<DayPage?>;

    public sealed class Handler(EventStore.EventStore store) : IRequestHandler<Query, DayPage?>
    {
        public async Task<DayPage?> Handle(Query q, CancellationToken ct) =>
            PageVersions.InForce(PageVersions.OfDay((await store.ReadStreamAsync(PageStreams.DayPageId(q.IndexPath), ct)).Select(e => e.Data)),
                q.IndexPath, q.At ?? DateTimeOffset.MaxValue)?.Day;
    }
}
