namespace EventHistory.EventStore.Tests;

/// A batch of appends to several streams (a bulk import) is one transaction: all or nothing.
public sealed class AppendManyTests : StoreTestBase
{
    [Fact]
    public async Task a_batch_appends_to_every_stream_in_one_transaction_with_chains_and_commands()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        await Store.AppendAsync(b, "note", 0, [new Noted("b1")], By("ann"));

        var results = await Store.AppendManyAsync(
            [new StreamAppend(a, "note", 0, [new Noted("a1"), new Noted("a2")], CommandId: "page-a"),
             new StreamAppend(b, "note", 1, [new Renamed("b2")], CommandId: "page-b")],
            new EventMetadata("importer", Headers: new Dictionary<string, string> { ["git-commit"] = "abc" }));

        Assert.Equal([(a, 1L, 2L), (b, 2L, 2L)], results.Select(r => (r.StreamId, r.FirstVersion, r.LastVersion)));
        Assert.Equal(1L, await Db.ScalarAsync(
            $"select count(distinct c.tx_id) from mt_events e join eh_event_chain c using (seq_id) where e.stream_id in ('{a}', '{b}') and e.user_name = 'importer' and e.headers->>'git-commit' = 'abc'"));
        Assert.Equal(["noted", "noted"], (await Store.ReadStreamAsync(a)).Select(e => e.Type));
        Assert.NotNull(await Store.FindCommandAsync("page-a"));
        Assert.Equal((b, 2L), await Store.FindCommandAsync("page-b") is { } found ? (found.StreamId, found.FirstVersion) : default);
        Assert.True((await Store.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task a_conflict_on_any_stream_writes_nothing_of_the_batch_and_draws_no_sequence_number()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid();
        await Store.AppendAsync(b, "note", 0, [new Noted("b1")], By("ann"));
        await Store.AppendAsync(c, "note", 0, [new Noted("c1")], new EventMetadata("ann", CommandId: "page-c"));
        var sequenceBefore = await Db.ScalarAsync("select last_value from mt_events_sequence");

        // Stream ids are random, so the stale stream is sometimes locked first, sometimes last.
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => Store.AppendManyAsync(
            [new StreamAppend(a, "note", 0, [new Noted("a1")]), new StreamAppend(b, "note", 0, [new Noted("stale")])], By("bob")));
        Assert.Equal((b, 1L), (conflict.StreamId, conflict.ActualVersion));
        var again = await Assert.ThrowsAsync<CommandAlreadyAppendedException>(() => Store.AppendManyAsync(
            [new StreamAppend(a, "note", 0, [new Noted("a1")]), new StreamAppend(c, "note", 1, [new Noted("c2")], CommandId: "page-c")], By("bob")));
        Assert.Equal("page-c", again.CommandId);

        Assert.Equal(sequenceBefore, await Db.ScalarAsync("select last_value from mt_events_sequence"));
        Assert.Null(await Store.StreamVersionAsync(a));
        Assert.Equal(2L, await Db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task a_stream_may_appear_once_in_a_batch()
    {
        var a = Guid.NewGuid();
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendManyAsync(
            [new StreamAppend(a, "note", 0, [new Noted("a1")]), new StreamAppend(a, "note", 1, [new Noted("a2")])], By("bob")));
        Assert.Null(await Store.StreamVersionAsync(a));
    }
}
