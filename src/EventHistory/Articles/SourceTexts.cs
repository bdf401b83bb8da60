using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using MediatR;
using Npgsql;

namespace EventHistory.Articles;

/// The captured versions of one source's text, oldest first; trivial ones can be left out.
public static class ListSourceTexts
{
    public sealed record Query(Guid ItemId, string Source, bool IncludeTrivial = true) : IRequest<Listing>;

    public sealed record Listing(Guid ItemId, Source Source, IReadOnlyList<SourceTextVersion> Versions);

    public sealed class Handler(ReadSource reads) : IRequestHandler<Query, Listing>
    {
        public async Task<Listing> Handle(Query q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            var source = await SourceTextSources.ResolveForReadAsync(conn, q.ItemId, q.Source, ct);
            var versions = await SourceTextRows.ListAsync(conn, q.ItemId, source.Url, ct);
            return new Listing(q.ItemId, source, [.. versions.Where(v => q.IncludeTrivial || !v.Trivial)]);
        }
    }
}

/// Every current source of an item with its captured versions, in the item's order: the item and
/// all its texts' rows in two queries, however many sources it has (the web's source-texts page).
public static class ListItemSourceTexts
{
    public sealed record Query(Guid ItemId) : IRequest<Listings>;

    public sealed record Listings(NewsItem Item, IReadOnlyList<ListSourceTexts.Listing> Sources);

    public sealed class Handler(NpgsqlDataSource db) : IRequestHandler<Query, Listings>
    {
        public async Task<Listings> Handle(Query q, CancellationToken ct)
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            var item = await NewsItemRows.LoadCurrentAsync(conn, null, q.ItemId, ct) ?? throw new NotFoundException($"News item {q.ItemId}");
            var byUrl = (await SourceTextRows.ListAllAsync(conn, q.ItemId, ct)).ToLookup(v => v.SourceUrl);
            return new Listings(item, [.. item.Sources.Select(s => new ListSourceTexts.Listing(q.ItemId, s, [.. byUrl[s.Url]]))]);
        }
    }
}

/// One captured version with its exact bytes; no version means the latest.
public static class GetSourceText
{
    public sealed record Query(Guid ItemId, string Source, int? Version = null) : IRequest<Text>;

    public sealed record Text(SourceTextVersion Version, byte[] Body);

    public sealed class Handler(ReadSource reads) : IRequestHandler<Query, Text>
    {
        public async Task<Text> Handle(Query q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            var source = await SourceTextSources.ResolveForReadAsync(conn, q.ItemId, q.Source, ct);
            var found = await SourceTextRows.LoadAsync(conn, q.ItemId, source.Url, q.Version, ct)
                ?? throw new NotFoundException(q.Version is { } n
                    ? $"Version {n} of the text of source '{source.Url}'"
                    : $"A captured text of source '{source.Url}'");
            return new Text(found.Version, found.Body);
        }
    }
}

public static class SourceTextSources
{
    public static async Task<Source> ResolveForReadAsync(NpgsqlConnection conn, Guid itemId, string reference, CancellationToken ct)
    {
        var item = await NewsItemRows.LoadCurrentAsync(conn, null, itemId, ct) ?? throw new NotFoundException($"News item {itemId}");
        return SourceReference.Resolve(item, reference, await SourceTextRows.CapturedSourcesAsync(conn, itemId, ct));
    }
}
