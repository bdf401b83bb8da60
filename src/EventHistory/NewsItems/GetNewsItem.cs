using EventHistory.Infrastructure;
using MediatR;

namespace EventHistory.NewsItems;

/// The current version of an item.
public static class GetNewsItem
{
    public sealed record Query(Guid ItemId) : IRequest<NewsItem>;

    public sealed class Handler(ReadSource reads) : IRequestHandler<Query, NewsItem>
    {
        public async Task<NewsItem> Handle(Query q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            return await NewsItemRows.LoadCurrentAsync(conn, null, q.ItemId, ct) ?? throw new NotFoundException($"News item {q.ItemId}");
        }
    }
}

/// One past version, by revision number: one row of the revisions projection, whatever the history's length.
public static class GetRevision
{
    public sealed record Query(Guid ItemId, long Revision) : IRequest<NewsItem>;

    public sealed class Handler(ReadSource reads) : IRequestHandler<Query, NewsItem>
    {
        public async Task<NewsItem> Handle(Query q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            return await NewsItemRows.LoadRevisionAsync(conn, q.ItemId, q.Revision, ct)
                ?? throw new NotFoundException($"Revision {q.Revision} of news item {q.ItemId}");
        }
    }
}

/// Finds an item by any path it ever had (current or an old slug).
public static class FindNewsItemByPath
{
    public sealed record Query(string Path) : IRequest<Guid>;

    public sealed class Handler(ReadSource reads) : IRequestHandler<Query, Guid>
    {
        public async Task<Guid> Handle(Query q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            return await NewsItemRows.FindByPathAsync(conn, q.Path, ct) ?? throw new NotFoundException($"A news item at {q.Path}");
        }
    }
}
