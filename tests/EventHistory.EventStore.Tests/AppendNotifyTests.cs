using Npgsql;

namespace EventHistory.EventStore.Tests;

/// The wake-up for listeners (the projection daemon) is sent after the append's commit, in its own
/// transaction, so appending transactions never queue on PostgreSQL's notify lock while they commit.
public sealed class AppendNotifyTests : StoreTestBase
{
    [Fact]
    public async Task an_append_wakes_listeners_with_its_schema()
    {
        await using var listener = await Db.DataSource.OpenConnectionAsync();
        var heard = new List<string>();
        // The channel is the database's: other test classes' schemas notify on it too.
        listener.Notification += (_, e) => { if (e.Channel == "mt_events" && e.Payload == Db.Schema) heard.Add(e.Payload); };
        await using (var listen = new NpgsqlCommand("listen mt_events", listener)) await listen.ExecuteNonQueryAsync();

        var id = Guid.NewGuid();
        await Store.AppendAsync(id, "note", 0, [new Noted("a")], By("ann"));
        await Store.AppendAsync(id, "note", 1, [new Noted("b")], By("ann"));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (heard.Count < 2 && !timeout.IsCancellationRequested) await listener.WaitAsync(timeout.Token).ContinueWith(_ => { });
        Assert.Equal([Db.Schema, Db.Schema], heard);
    }

    [Fact]
    public async Task an_append_that_fails_wakes_no_one()
    {
        await using var listener = await Db.DataSource.OpenConnectionAsync();
        var heard = 0;
        listener.Notification += (_, e) => { if (e.Channel == "mt_events" && e.Payload == Db.Schema) heard++; };
        await using (var listen = new NpgsqlCommand("listen mt_events", listener)) await listen.ExecuteNonQueryAsync();

        Counting.FailNext = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AppendAsync(Guid.NewGuid(), "note", 0, [new Noted("a")], By("ann")));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await listener.WaitAsync(timeout.Token).ContinueWith(_ => { });
        Assert.Equal(0, heard);
    }
}
