using Npgsql;

namespace EventHistory.EventStore.Tests;

/// Concurrent appends share a transaction (GroupCommit). The store writes one group at a time
/// here, and the first append holds its transaction open until the others are queued behind it:
/// they then form one group, with no timing involved.
public sealed class GroupCommitTests : StoreTestBase
{
    /// Once armed, holds the next append's transaction open (after its batch, before its commit) until released.
    private sealed class HoldFirst : IInlineProjection
    {
        private int _armed;
        public void Arm() => _armed = 1;
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<IReadOnlyList<NpgsqlBatchCommand>> ProjectAsync(ProjectionInput input, CancellationToken ct) =>
            ValueTask.FromResult<IReadOnlyList<NpgsqlBatchCommand>>([]);

        public bool RunsAfterAppend => true;

        public async Task AfterAppendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<StoredEvent> events, CancellationToken ct)
        {
            if (Interlocked.Exchange(ref _armed, 0) != 1) return;
            Entered.SetResult();
            await Release.Task;
        }
    }

    private readonly HoldFirst _hold = new();

    private EventStore GroupingStore(int maxGroupsInFlight = 1) =>
        new(Db.DataSource, NoteTypes.Create(), [_hold]) { MaxGroupsInFlight = maxGroupsInFlight };

    /// Starts an append that holds the store's only writing slot, and returns it once it holds it.
    private async Task<Task<AppendResult>> HoldTheSlotAsync(EventStore store)
    {
        _hold.Arm();
        var first = store.AppendAsync(Guid.NewGuid(), "note", 0, [new Noted("first")], By("first-writer"));
        await _hold.Entered.Task;
        return first;
    }

    [Fact]
    public async Task appends_queued_behind_a_transaction_commit_together_each_with_its_own_who_and_why()
    {
        await using var store = GroupingStore();
        var first = await HoldTheSlotAsync(store);
        var ids = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        var queued = ids.Select((id, i) => store.AppendAsync(id, "note", 0, [new Noted($"n{i}")],
            new EventMetadata($"writer-{i}", CorrelationId: $"corr-{i}", Headers: new Dictionary<string, string> { ["n"] = $"{i}" }))).ToList();
        Assert.All(queued, t => Assert.False(t.IsCompleted));

        _hold.Release.SetResult();
        await first;
        var results = await Task.WhenAll(queued);

        for (var i = 0; i < ids.Count; i++)
        {
            var e = Assert.Single(await store.ReadStreamAsync(ids[i]));
            Assert.Equal(($"writer-{i}", $"corr-{i}", new Noted($"n{i}")), (e.UserName, e.CorrelationId, e.Data));
            Assert.Equal($"{i}", e.Headers!["n"]);
            Assert.Equal((ids[i], 1L, e.Sequence), (results[i].StreamId, results[i].LastVersion, results[i].Events[0].Sequence));
        }
        var list = string.Join(",", ids.Select(id => $"'{id}'"));
        Assert.Equal(1L, await Db.ScalarAsync($"select count(distinct tx_id) from eh_event_chain where stream_id in ({list})"));
    }

    [Fact]
    public async Task a_refused_append_fails_alone_and_the_rest_of_its_group_commits()
    {
        await using var store = GroupingStore();
        var existing = Guid.NewGuid();
        var archived = Guid.NewGuid();
        await store.AppendAsync(existing, "note", 0, [new Noted("at 1")], By("setup"));
        await store.AppendAsync(archived, "note", 0, [new Noted("at 1")], By("setup"));
        await store.ArchiveStreamAsync(archived);

        var first = await HoldTheSlotAsync(store);
        var fresh = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToList();
        var good = fresh.Select(id => store.AppendAsync(id, "note", 0, [new Noted("ok")], By("writer"))).ToList();
        var stale = store.AppendAsync(existing, "note", 0, [new Noted("stale")], By("writer"));
        var refusedArchive = store.AppendAsync(archived, "note", 1, [new Noted("too late")], By("writer"));
        _hold.Release.SetResult();
        await first;

        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => stale);
        Assert.Equal((existing, 0L, 1L), (conflict.StreamId, conflict.ExpectedVersion, conflict.ActualVersion));
        await Assert.ThrowsAsync<StreamArchivedException>(() => refusedArchive);
        foreach (var result in await Task.WhenAll(good)) Assert.Equal(1L, result.LastVersion);
        foreach (var id in fresh) Assert.Single(await store.ReadStreamAsync(id));
        Assert.Single(await store.ReadStreamAsync(existing));
        Assert.Equal(1L, await Db.ScalarAsync($"select count(*) from mt_events where stream_id = '{archived}'"));
    }

    [Fact]
    public async Task two_appends_to_one_stream_never_share_a_group_so_the_second_follows_the_first()
    {
        await using var store = GroupingStore();
        var id = Guid.NewGuid();
        var first = await HoldTheSlotAsync(store);
        var one = store.AppendAsync(id, "note", 0, [new Noted("one")], By("writer"));
        var two = store.AppendAsync(id, "note", 1, [new Noted("two")], By("writer"));
        _hold.Release.SetResult();
        await first;

        Assert.Equal((1L, 2L), ((await one).LastVersion, (await two).LastVersion));
        Assert.Equal([new Noted("one"), new Noted("two")], (await store.ReadStreamAsync(id)).Select(e => e.Data));
    }

    [Fact]
    public async Task an_append_queued_behind_a_stalled_group_writes_a_group_of_its_own()
    {
        await using var store = GroupingStore(maxGroupsInFlight: 2);
        var first = await HoldTheSlotAsync(store);
        var id = Guid.NewGuid();

        // Without the second slot this would wait for the held transaction for ever.
        var second = await store.AppendAsync(id, "note", 0, [new Noted("not held up")], By("writer")).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1L, second.LastVersion);
        Assert.False(first.IsCompleted);
        _hold.Release.SetResult();
        Assert.Equal(1L, (await first).LastVersion);
    }
}
