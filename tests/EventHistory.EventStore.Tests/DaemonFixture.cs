using EventHistory.EventStore.Daemon;
using Npgsql;

namespace EventHistory.EventStore.Tests;

/// Inline projection for the stress test: rolls back marked appends after their sequence numbers
/// were drawn, and holds others open for a while before they commit.
public sealed class MischiefProjection : IInlineProjection
{
    public ValueTask<IReadOnlyList<NpgsqlBatchCommand>> ProjectAsync(ProjectionInput input, CancellationToken ct) => ValueTask.FromResult<IReadOnlyList<NpgsqlBatchCommand>>([]);

    public bool RunsAfterAppend => true;

    public async Task AfterAppendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            if (e.Data is not Noted n) continue;
            if (n.Text.StartsWith("fail", StringComparison.Ordinal)) throw new InvalidOperationException("rolled back on purpose");
            if (n.Text.StartsWith("slow:", StringComparison.Ordinal)) await Task.Delay(int.Parse(n.Text[5..]), ct);
        }
    }
}

/// Inline projection that holds an append marked "hold" open, its sequence number drawn, until released.
public sealed class HoldingProjection : IInlineProjection
{
    public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ValueTask<IReadOnlyList<NpgsqlBatchCommand>> ProjectAsync(ProjectionInput input, CancellationToken ct) => ValueTask.FromResult<IReadOnlyList<NpgsqlBatchCommand>>([]);

    public bool RunsAfterAppend => true;

    public async Task AfterAppendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        if (!events.Any(e => e.Data is Noted { Text: "hold" })) return;
        Held.TrySetResult();
        await Release.Task.WaitAsync(ct);
    }
}

public static class DaemonTesting
{
    /// A store whose Marten configuration carries the async projection stream_event_counts.
    public static EventStore CountingStore(NpgsqlDataSource db, params IInlineProjection[] inline) =>
        new(db, NoteTypes.Create(), inline,
            [new StreamEventCountsProjection { BatchSize = 100 }]);

    /// Waits until the projection has applied every committed event (lag 0).
    public static async Task CaughtUpAsync(NpgsqlDataSource db, string projection, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var status = (await ProjectionStatusReader.ReadAsync(db, [projection]))[0];
            if (status.LagEvents == 0) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{projection} is still {status.LagEvents} events behind.");
            await Task.Delay(100);
        }
    }

    /// Rows of (stream, events, last version, out of order) the projection holds, and what the events say.
    public const string ProjectedCounts =
        "select string_agg(format('%s %s %s %s', stream_id, events, last_version, out_of_order), E'\\n' order by stream_id) from eh_stream_event_counts";
    public const string CommittedCounts =
        "select string_agg(format('%s %s %s %s', stream_id, n, v, 0), E'\\n' order by stream_id) from (select stream_id, count(*) n, max(version) v from mt_events group by stream_id) c";

    public static async Task<string> TextAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return await cmd.ExecuteScalarAsync() as string ?? "";
    }
}
