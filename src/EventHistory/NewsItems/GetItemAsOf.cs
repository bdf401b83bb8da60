using EventHistory.Infrastructure;
using MediatR;
using Npgsql;

namespace EventHistory.NewsItems;

/// The item as it stood at a time, on the edit clock (EditedAt, the time the edit itself carries)
/// or on the store clock (when the store recorded it). One index probe into eh_item_revisions,
/// whatever the history's length; its related items show their headlines as of the same time.
public static class GetItemAsOf
{
    public sealed record Query(Guid ItemId, DateTimeOffset At, Clock Clock = Clock.Edited) : IRequest<NewsItem>;

    public sealed class Handler(ReadSource reads) : IRequestHandler<Query, NewsItem>
    {
        public async Task<NewsItem> Handle(Query q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            var item = await RevisionRows.LoadAsOfAsync(conn, q.ItemId, q.Clock, q.At, ct)
                ?? throw new NotFoundException($"News item {q.ItemId} as of {q.At:yyyy-MM-ddTHH:mm:ssZ}");
            return await RevisionRows.WithRelatedAsOfAsync(conn, item, q.Clock, q.At, ct);
        }
    }
}
