using System.Collections.Concurrent;

namespace EventHistory.NewsItems;

/// The last state of each item this process wrote or read for an edit, so the next edit of it
/// need not read it again. Safe whatever other processes do: a state is keyed by its revision,
/// and an item's state at a revision never changes; an edit appends with the revision it decided
/// on, and the store refuses it if the item has moved on (then it is read again, see ItemEditor).
public sealed class ItemStates
{
    // Bounded crudely: when full it starts over, which costs one read per item edited next.
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<Guid, NewsItem> _latest = new();

    /// The known state at <paramref name="revision"/>, or the latest known when it is null.
    public NewsItem? Find(Guid id, long? revision) =>
        _latest.TryGetValue(id, out var state) && (revision is null || state.Revision == revision) ? state : null;

    public void Remember(NewsItem state)
    {
        if (_latest.Count >= Capacity) _latest.Clear();
        _latest.AddOrUpdate(state.Id, state, (_, known) => known.Revision > state.Revision ? known : state);
    }

    public void Forget(Guid id) => _latest.TryRemove(id, out _);
}
