using EventHistory.EventStore;
using EventHistory.Testing;
using Npgsql;

namespace EventHistory.EventStore.Tests;

public sealed record Noted(string Text);
public sealed record Renamed(string Name);
public sealed record Note;

/// The test events' stored names, as every store of these tests registers them.
public static class NoteTypes
{
    public static EventTypes Create() => new EventTypes().RegisterStream<Note>("note").Register<Noted>("noted").Register<Renamed>("renamed");
}

/// Counts events per stream inline, to show projections commit and roll back with the append.
public sealed class CountingProjection : IInlineProjection
{
    public bool FailNext { get; set; }

    public ValueTask<IReadOnlyList<NpgsqlBatchCommand>> ProjectAsync(ProjectionInput input, CancellationToken ct)
    {
        var writes = new List<NpgsqlBatchCommand>();
        foreach (var e in input.Events)
        {
            var cmd = new NpgsqlBatchCommand("insert into counts (stream_id, n) values (@s, 1) on conflict (stream_id) do update set n = counts.n + 1");
            cmd.Parameters.AddWithValue("s", e.StreamId);
            writes.Add(cmd);
        }
        return ValueTask.FromResult<IReadOnlyList<NpgsqlBatchCommand>>(writes);
    }

    /// Only an append meant to fail waits for AfterAppendAsync; the others commit in their batch.
    public bool RunsAfterAppend => FailNext;

    /// Fails after the events went into the batch (their sequence numbers are drawn): the whole append rolls back.
    public Task AfterAppendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        if (FailNext) { FailNext = false; throw new InvalidOperationException("projection failed on purpose"); }
        return Task.CompletedTask;
    }
}

public abstract class StoreTestBase : IAsyncLifetime
{
    protected TestDatabase Db = null!;
    protected EventStore Store = null!;
    protected readonly CountingProjection Counting = new();

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        await EventStoreSchema.EnsureCreatedAsync(Db.DataSource, ["create table if not exists counts (stream_id uuid primary key, n int not null)"]);
        Store = new EventStore(Db.DataSource, NoteTypes.Create(), [Counting]);
    }

    public async Task DisposeAsync() => await Db.DisposeAsync();

    protected static EventMetadata By(string user, string? commandId = null) => new(user, CommandId: commandId);
}
