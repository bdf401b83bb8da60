using Npgsql;

namespace EventHistory.EventStore.Tests;

public sealed class GlobalReaderTests : StoreTestBase
{
    /// Appends of this schema still in progress hold the safe horizon back for as long as they run,
    /// so a reader waits for what is committed to become safe, as the daemon does.
    private async Task<List<GlobalEvent>> ReadUntilAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var all = await ReadAllAsync();
            if (all.Count >= count || DateTime.UtcNow > deadline) return all;
            await Task.Delay(50);
        }
    }

    private async Task<List<GlobalEvent>> ReadAllAsync()
    {
        var all = new List<GlobalEvent>();
        var position = GlobalPosition.Start;
        while (true)
        {
            var page = await Store.ReadAllAsync(position, 2);
            if (page.Count == 0) return all;
            all.AddRange(page);
            position = page[^1].Position;
        }
    }

    [Fact]
    public async Task an_event_whose_transaction_commits_late_is_read_after_the_reader_has_moved_on()
    {
        // A writer draws its sequence number, then holds its transaction open.
        var late = Guid.NewGuid();
        await using var conn = await Db.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await EventStoreSchemaTestSql.InsertRawEventAsync(conn, tx, late);

        var early = Guid.NewGuid();
        await Store.AppendAsync(early, "note", 0, [new Noted("early")], By("ann"));
        var seen = await ReadAllAsync();
        Assert.DoesNotContain(seen, e => e.Event.StreamId == early);

        await tx.CommitAsync();
        seen = await ReadUntilAsync(2);
        Assert.Equal([late, early], seen.Select(e => e.Event.StreamId));
        Assert.True(seen[0].Event.Sequence < seen[1].Event.Sequence);
    }

    [Fact]
    public async Task a_transaction_held_open_in_another_schema_or_database_holds_nothing_back()
    {
        await using var other = await Testing.TestDatabase.CreateAsync();
        await EventStoreSchema.EnsureCreatedAsync(other.DataSource);
        await using var conn = await other.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        // Another store's appender, and a plain writer, both with transaction ids older than ours.
        await using (var cmd = new NpgsqlCommand(StreamLock.EnterAppendSql + "; select pg_current_xact_id()", conn, tx))
            await cmd.ExecuteNonQueryAsync();
        await EventStoreSchemaTestSql.InsertRawEventAsync(conn, tx, Guid.NewGuid());

        var id = Guid.NewGuid();
        await Store.AppendAsync(id, "note", 0, [new Noted("not held back")], By("ann"));
        Assert.Equal([id], (await ReadAllAsync()).Select(e => e.Event.StreamId));
        await tx.RollbackAsync();
    }

    [Fact]
    public async Task a_rolled_back_sequence_number_stalls_nothing()
    {
        await using (var conn = await Db.DataSource.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await EventStoreSchemaTestSql.InsertRawEventAsync(conn, tx, Guid.NewGuid());
            await tx.RollbackAsync();
        }
        var id = Guid.NewGuid();
        await Store.AppendAsync(id, "note", 0, [new Noted("after the gap")], By("ann"));

        var seen = await ReadUntilAsync(1);
        Assert.Equal([id], seen.Select(e => e.Event.StreamId));
    }

    [Fact]
    public void positions_round_trip_through_text()
    {
        var position = new GlobalPosition(123456, 789);
        Assert.True(GlobalPosition.TryParse(position.ToString(), out var parsed));
        Assert.Equal(position, parsed);
        Assert.False(GlobalPosition.TryParse("garbage", out _));
    }
}

/// What the store's append writes for a new one-event stream (Marten's rows and our chain row),
/// in a transaction the test holds open or rolls back as it likes.
internal static class EventStoreSchemaTestSql
{
    public static async Task InsertRawEventAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid stream)
    {
        await using var cmd = new NpgsqlCommand(
            """
            select pg_advisory_xact_lock_shared(1162346500, hashtext(current_schema()));
            insert into mt_streams (id, type, version) values (@s, 'note', 1);
            insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp)
            values (nextval('mt_events_sequence'), gen_random_uuid(), @s, 1, '{"text":"late"}', 'noted', now());
            select eh_chain_append_many(array[@s], array[1::bigint], array[1::bigint]);
            """, conn, tx);
        cmd.Parameters.AddWithValue("s", stream);
        await cmd.ExecuteNonQueryAsync();
    }

    /// Version 2 of a stream, written beside the store's append (without its stream lock).
    public static async Task InsertSecondVersionAsync(NpgsqlConnection conn, Guid stream)
    {
        await using var cmd = new NpgsqlCommand(
            """
            insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp)
            values (nextval('mt_events_sequence'), gen_random_uuid(), @s, 2, '{"text":"v2"}', 'noted', now());
            update mt_streams set version = 2 where id = @s;
            select eh_chain_append_many(array[@s], array[2::bigint], array[2::bigint]);
            """, conn);
        cmd.Parameters.AddWithValue("s", stream);
        await cmd.ExecuteNonQueryAsync();
    }
}
