using EventHistory.EventStore.Daemon;
using JasperFx.Events;
using Npgsql;

namespace EventHistory.EventStore.Tests;

/// stream_event_counts applies each batch Marten hands it as one statement, and any batch gives the
/// rows the event-by-event rule gives (the rule as it was before batching, below, is the oracle).
public sealed class StreamEventCountsProjectionTests : StoreTestBase
{
    private readonly StreamEventCountsProjection _projection = new();

    private static IEvent E(Guid stream, long version, long sequence, object? data = null) =>
        new Event<object>(data ?? new Noted($"{version}")) { StreamId = stream, Version = version, Sequence = sequence };

    /// Several streams interleaved; versions that follow, skip, repeat and go back; a stream that
    /// starts above version 1; Marten's tombstones (skipped, whatever stream they name).
    private static List<IEvent> Events(Guid[] s)
    {
        var seq = 0L;
        return
        [
            E(s[0], 1, ++seq), E(s[1], 1, ++seq), E(s[0], 2, ++seq), E(s[0], 3, ++seq),
            E(s[2], 3, ++seq),                                  // starts at 3: out of order
            E(s[1], 2, ++seq), E(s[0], 5, ++seq),               // s0 skips 4
            E(s[3], 1, ++seq, new Tombstone()),                 // never counted
            E(s[1], 2, ++seq),                                  // s1 repeats 2
            E(s[0], 4, ++seq),                                  // s0 goes back
            E(s[2], 4, ++seq), E(s[0], 5, ++seq, new Tombstone()), E(s[2], 5, ++seq),
            E(s[1], 3, ++seq), E(s[4], 1, ++seq), E(s[4], 2, ++seq), E(s[0], 6, ++seq), E(s[1], 5, ++seq),
        ];
    }

    [Fact]
    public async Task any_split_of_the_events_into_batches_gives_the_rows_of_the_event_by_event_rule()
    {
        var streams = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToArray();
        var events = Events(streams);
        await ApplyOneStatementPerEventAsync(events);
        var expected = await RowsAsync();
        Assert.Contains($"{streams[0]} 6 6 3 17", expected);   // 6 events, last 6; out of order at 5, 4 and 6
        Assert.Contains($"{streams[2]} 3 5 1 13", expected);
        Assert.DoesNotContain(streams[3].ToString(), expected);

        foreach (var size in new[] { 1, 2, 3, 4, 5, 7, events.Count })
        {
            await Db.ExecuteAsync("delete from eh_stream_event_counts");
            foreach (var batch in events.Chunk(size)) await ApplyBatchAsync(batch);
            Assert.Equal(expected, await RowsAsync());
        }
    }

    [Fact]
    public async Task a_batch_is_one_statement_whatever_its_size()
    {
        var streams = Enumerable.Range(0, 300).Select(_ => Guid.NewGuid()).ToArray();
        var events = Enumerable.Range(0, 1200).Select(i => E(streams[i % 300], i / 300 + 1, i + 1)).ToList();
        Assert.Equal(1, await ApplyBatchAsync(events[..600]));
        Assert.Equal(1, await ApplyBatchAsync(events[600..]));
        Assert.Equal(300L, await Db.ScalarAsync("select count(*) from eh_stream_event_counts where events = 4 and last_version = 4 and out_of_order = 0"));
        Assert.Equal(0, await ApplyBatchAsync([E(streams[0], 5, 1201, new Tombstone())]));
    }

    /// One daemon batch: the projection queues its SQL on a Marten session, which commits it.
    /// Returns how many statements it queued.
    private async Task<int> ApplyBatchAsync(IReadOnlyList<IEvent> batch)
    {
        await using var session = Counted.Marten.LightweightSession();
        await _projection.ApplyAsync(session, batch, CancellationToken.None);
        var statements = session.PendingChanges.Operations().Count();
        await session.SaveChangesAsync();
        return statements;
    }

    private EventStore? _counted;
    private EventStore Counted => _counted ??= DaemonTesting.CountingStore(Db.DataSource);

    /// The rule as it was applied before batching: one upsert per event, in order.
    private async Task ApplyOneStatementPerEventAsync(IEnumerable<IEvent> events)
    {
        await using var conn = await Db.DataSource.OpenConnectionAsync();
        foreach (var e in events.Where(e => e.Data is not Tombstone))
        {
            await using var cmd = new NpgsqlCommand(
                """
                insert into eh_stream_event_counts as c (stream_id, events, last_version, out_of_order, last_seq_id)
                values (@s, 1, @v, case when @v = 1 then 0 else 1 end, @q)
                on conflict (stream_id) do update set events = c.events + 1, last_version = excluded.last_version,
                    out_of_order = c.out_of_order + case when excluded.last_version = c.last_version + 1 then 0 else 1 end,
                    last_seq_id = excluded.last_seq_id
                """, conn);
            cmd.Parameters.AddWithValue("s", e.StreamId);
            cmd.Parameters.AddWithValue("v", e.Version);
            cmd.Parameters.AddWithValue("q", e.Sequence);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    private Task<string> RowsAsync() => DaemonTesting.TextAsync(Db.DataSource,
        "select string_agg(format('%s %s %s %s %s', stream_id, events, last_version, out_of_order, last_seq_id), E'\\n' order by stream_id) from eh_stream_event_counts");
}
