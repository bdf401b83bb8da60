using EventHistory.EventStore;
using EventHistory.Infrastructure;

namespace EventHistory.NewsItems;

public sealed record EditResult(Guid ItemId, long Revision, bool Duplicate);

/// The one way an existing item is edited: load its state, decide, append with the expected
/// revision under the editor's identity. A retried command answers its first outcome.
public sealed class ItemEditor(EventStore.EventStore store, EditorContext editor, TimeProvider clock, ItemStates states)
{
    public DateTimeOffset Now => clock.GetUtcNow();

    /// With no expected revision the edit applies to the latest (last writer wins): a remembered
    /// state may be stale, so when the append is refused as stale, or the decision refuses the edit
    /// (on what may no longer be the item), the state is read again once and the edit decided again.
    public async Task<EditResult> EditAsync(
        Guid itemId, long? expectedRevision, Func<NewsItem, INewsItemEvent> decide, CancellationToken ct)
    {
        if (await EarlierOutcomeAsync(ct) is { } earlier) return earlier;
        if (states.Find(itemId, expectedRevision) is { } known)
        {
            try
            {
                return await AppendAsync(known, decide, ct);
            }
            catch (Exception e) when (expectedRevision is null && e is ConcurrencyException or EditRejectedException)
            {
                states.Forget(itemId);
            }
        }
        var state = await NewsItemRows.LoadCurrentAsync(store.DataSource, itemId, ct)
            ?? throw new NotFoundException($"News item {itemId}");
        var expected = expectedRevision ?? state.Revision;
        if (expected != state.Revision) throw new ConcurrencyException(itemId, expected, state.Revision);
        return await AppendAsync(state, decide, ct);
    }

    private async Task<EditResult> AppendAsync(NewsItem state, Func<NewsItem, INewsItemEvent> decide, CancellationToken ct)
    {
        var change = decide(state);
        var result = await store.AppendAsync(state.Id, NewsItemEventTypes.StreamType, state.Revision, [change], Metadata(), state, ct);
        if (!result.Duplicate)
        {
            states.Remember(state.Apply(change));
            editor.ArchiveCheckedFor = state.Id;
        }
        return new EditResult(state.Id, result.LastVersion, result.Duplicate);
    }

    public async Task<EditResult> CreateAsync(Guid itemId, NewsItemCreated created, CancellationToken ct)
    {
        if (await EarlierOutcomeAsync(ct) is { } earlier) return earlier;
        var result = await store.AppendAsync(itemId, NewsItemEventTypes.StreamType, 0, [created], Metadata(), ct);
        if (!result.Duplicate) states.Remember(NewsItem.Create(created));
        return new EditResult(itemId, result.LastVersion, result.Duplicate);
    }

    private async Task<EditResult?> EarlierOutcomeAsync(CancellationToken ct) =>
        editor.CommandId is { } id && await store.FindCommandAsync(id, editor.RequestHash, ct) is { } done
            ? new EditResult(done.StreamId, done.LastVersion, true)
            : null;

    private EventMetadata Metadata() => new(
        editor.Editor ?? throw new EditRejectedException("An edit needs an authenticated editor."),
        editor.CorrelationId, editor.CausationId ?? editor.CommandId, editor.CommandId, RequestHash: editor.RequestHash);
}
