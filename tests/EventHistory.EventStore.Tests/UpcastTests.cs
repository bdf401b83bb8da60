using System.Text.Json.Nodes;
using Npgsql;

namespace EventHistory.EventStore.Tests;

/// A changed event shape is read by an upcaster, never by a new name: `renamed` once stored
/// {"title": ...}; it now has {"name": ...}. Old events read in the new shape through Marten and
/// through SQL alike, new ones are written and read as they are, and the stored bytes (so the
/// hash chain) stay as they were.
public sealed class UpcastTests : StoreTestBase
{
    /// The base class's Store reads without the upcaster; this one with it.
    private static EventTypes UpcastingTypes() =>
        NoteTypes.Create().Upcast<Renamed>(TitleBecameName);

    private static JsonObject TitleBecameName(JsonObject stored)
    {
        if (stored["title"] is { } title && stored["name"] is null)
        {
            stored.Remove("title");
            stored["name"] = title.GetValue<string>();
        }
        return stored;
    }

    [Fact]
    public async Task an_event_stored_in_its_old_shape_reads_in_the_new_one_everywhere_and_its_chain_still_verifies()
    {
        var id = Guid.NewGuid();
        await Store.AppendAsync(id, "note", 0, [new Noted("first")], By("ann"));
        await InsertOldShapeAsync(id, version: 2, """{"title": "the old name"}""");

        await using var store = new EventStore(Db.DataSource, UpcastingTypes(), []);
        await store.AppendAsync(id, "note", 2, [new Renamed("a new name")], By("bob"));

        var throughMarten = await store.ReadStreamAsync(id);
        Assert.Equal([new Noted("first"), new Renamed("the old name"), new Renamed("a new name")], throughMarten.Select(e => e.Data));
        var throughSql = await store.ReadAllAsync(GlobalPosition.Start, 10);
        Assert.Equal([new Noted("first"), new Renamed("the old name"), new Renamed("a new name")], throughSql.Select(e => e.Event.Data));
        Assert.Equal("""{"title": "the old name"}""", await StoredDataAsync(id, 2));
        Assert.True((await store.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task without_the_upcaster_the_old_shape_loses_its_field()
    {
        var id = Guid.NewGuid();
        await Store.AppendAsync(id, "note", 0, [new Noted("first")], By("ann"));
        await InsertOldShapeAsync(id, version: 2, """{"title": "the old name"}""");
        Assert.Equal(new Renamed(null!), (await Store.ReadStreamAsync(id))[1].Data);
    }

    /// An event as an older version of the program stored it, appended the store's way (chained).
    private async Task InsertOldShapeAsync(Guid stream, long version, string json)
    {
        await using var conn = await Db.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand(
            """
            select pg_advisory_xact_lock_shared(1162346500, hashtext(current_schema()));
            insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp, user_name)
            values (nextval('mt_events_sequence'), gen_random_uuid(), @s, @v, @data::jsonb, 'renamed', now(), 'old-program');
            update mt_streams set version = @v where id = @s;
            select eh_chain_append_many(array[@s], array[@v::bigint], array[@v::bigint]);
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("s", stream);
            cmd.Parameters.AddWithValue("v", version);
            cmd.Parameters.AddWithValue("data", json);
            await cmd.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }

    private async Task<string> StoredDataAsync(Guid stream, long version)
    {
        await using var cmd = Db.DataSource.CreateCommand("select data::text from mt_events where stream_id = @s and version = @v");
        cmd.Parameters.AddWithValue("s", stream);
        cmd.Parameters.AddWithValue("v", version);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
