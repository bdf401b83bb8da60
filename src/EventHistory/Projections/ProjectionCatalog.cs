using EventHistory.EventStore;
using EventHistory.EventStore.Daemon;
using EventHistory.Infrastructure;

namespace EventHistory.Projections;

/// Every projection that can be rebuilt from the events, by name: the async ones Marten's daemon
/// keeps (rebuilt through it), and the inline news_items (eh_items, eh_item_revisions, eh_item_paths).
public sealed class ProjectionCatalog(
    IEnumerable<AsyncProjection> asyncProjections, NewsItemProjection newsItems,
    ProjectionRebuilder rebuilder, ShadowRebuild shadow)
{
    public const string NewsItems = "news_items";
    public static readonly string[] NewsItemTables = ["eh_items", "eh_item_revisions", "eh_item_paths"];

    public IReadOnlyList<AsyncProjection> Async { get; } = [.. asyncProjections];

    public IEnumerable<string> Names => [NewsItems, .. Async.Select(p => p.Name)];

    /// Refuses a name no projection has (NotFoundException naming the known ones).
    public void EnsureKnown(string name)
    {
        if (!Names.Contains(name)) throw new NotFoundException($"A projection named '{name}' (known: {string.Join(", ", Names)})");
    }

    public async Task<long> RebuildAsync(string name, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        EnsureKnown(name);
        if (name == NewsItems)
            return await shadow.RebuildAsync(NewsItems, newsItems, NewsItemTables, progress, ct);
        return await rebuilder.RebuildAsync(Async.First(p => p.Name == name), progress, ct);
    }
}
