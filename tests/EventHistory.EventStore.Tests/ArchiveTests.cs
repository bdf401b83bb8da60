using EventHistory.Testing;
using Marten.Services;
using Npgsql;

namespace EventHistory.EventStore.Tests;

/// An archived stream is kept whole and takes no more events: the append's guard refuses it under
/// the stream's lock, which the archive holds too, so an append and an archive never cross.
public sealed class ArchiveTests : StoreTestBase
{
    [Fact]
    public async Task an_archived_stream_refuses_an_append_before_any_sequence_number_is_drawn()
    {
        var id = Guid.NewGuid();
        await Store.AppendAsync(id, "note", 0, [new Noted("a")], By("ann"));
        Assert.True(await Store.ArchiveStreamAsync(id));
        var drawn = await Db.ScalarAsync("select last_value from mt_events_sequence");

        var refused = await Assert.ThrowsAsync<StreamArchivedException>(() => Store.AppendAsync(id, "note", 1, [new Noted("b")], By("ann")));
        // Archived is said before a stale version: retrying with the right one would not help.
        await Assert.ThrowsAsync<StreamArchivedException>(() => Store.AppendAsync(id, "note", 7, [new Noted("b")], By("ann")));

        Assert.Equal(id, refused.StreamId);
        Assert.Equal(drawn, await Db.ScalarAsync("select last_value from mt_events_sequence"));
        Assert.Equal(1L, await Db.ScalarAsync($"select count(*) from mt_events where stream_id = '{id}'"));
        Assert.Equal(1L, await Db.ScalarAsync($"select n from counts where stream_id = '{id}'"));
    }

    [Fact]
    public async Task a_stream_is_archived_once_and_an_unknown_one_not_at_all()
    {
        var id = Guid.NewGuid();
        await Store.AppendAsync(id, "note", 0, [new Noted("a")], By("ann"));

        Assert.True(await Store.ArchiveStreamAsync(id));
        await Assert.ThrowsAsync<StreamArchivedException>(() => Store.ArchiveStreamAsync(id));
        Assert.False(await Store.ArchiveStreamAsync(Guid.NewGuid()));
        Assert.True(await Store.IsArchivedAsync(id));
    }

    [Fact]
    public async Task an_append_that_waited_for_an_archive_in_progress_is_refused_when_it_commits()
    {
        var id = Guid.NewGuid();
        await Store.AppendAsync(id, "note", 0, [new Noted("a")], By("ann"));
        // An archive in progress, as ArchiveStreamAsync makes it: the stream's lock, then Marten's archive.
        await using var conn = await Db.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var lockStream = new NpgsqlCommand(StreamLock.LockStreamSql, conn, tx))
        {
            lockStream.Parameters.AddWithValue("stream", id);
            await lockStream.ExecuteNonQueryAsync();
        }
        await using (var session = Store.Marten.LightweightSession(SessionOptions.ForTransaction(tx)))
        {
            session.Events.ArchiveStream(id);
            await session.SaveChangesAsync();
        }

        var append = Task.Run(() => Store.AppendAsync(id, "note", 1, [new Noted("b")], By("bob")));
        var waiting = $"""
            select count(*) from pg_locks where locktype = 'advisory' and not granted and classid::bigint = 1162346499
              and objid::bigint = (hashtext(current_schema() || '/{id}')::bigint & 4294967295)
            """;
        await Poll.UntilAsync(async () => await Db.ScalarAsync(waiting) > 0, TimeSpan.FromSeconds(60), "the append to wait for the stream's lock");
        await tx.CommitAsync();

        await Assert.ThrowsAsync<StreamArchivedException>(() => append);
        Assert.Equal(1L, await Db.ScalarAsync($"select count(*) from mt_events where stream_id = '{id}'"));
    }
}
