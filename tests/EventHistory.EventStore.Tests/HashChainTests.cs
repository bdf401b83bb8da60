namespace EventHistory.EventStore.Tests;

public sealed class HashChainTests : StoreTestBase
{
    private readonly Guid _stream = Guid.NewGuid();
    private readonly Guid _other = Guid.NewGuid();

    private async Task AppendFiveAsync()
    {
        await Store.AppendAsync(_stream, "note", 0, [new Noted("one"), new Noted("two")], By("ann"));
        await Store.AppendAsync(_stream, "note", 2, [new Noted("three"), new Noted("four"), new Noted("five")], By("bob"));
        await Store.AppendAsync(_other, "note", 0, [new Noted("other")], By("ann"));
    }

    private async Task<ChainBreak> SingleBreakAsync()
    {
        var report = await Store.VerifyAsync();
        Assert.False(report.Intact);
        var only = Assert.Single(report.Breaks);
        Assert.Equal(_stream, only.StreamId);
        return only;
    }

    [Fact]
    public async Task untouched_history_verifies_every_event_in_every_stream()
    {
        await AppendFiveAsync();
        var report = await Store.VerifyAsync();
        Assert.True(report.Intact);
        Assert.Equal((6L, 2L), (report.Events, report.Streams));
        Assert.Equal((5L, 1L), ((await Store.VerifyAsync(_stream)).Events, (await Store.VerifyAsync(_stream)).Streams));
    }

    /// A verify of a large store runs longer than Npgsql's command timeout: it has none. Here a lock
    /// on the chain holds the walk for longer than a 1 s timeout that the connection string sets.
    [Fact]
    public async Task a_verify_that_runs_longer_than_the_command_timeout_is_not_cut_off()
    {
        await AppendFiveAsync();
        var name = "verify-" + Db.Schema;
        await using var shortTimeout = Npgsql.NpgsqlDataSource.Create(
            new Npgsql.NpgsqlConnectionStringBuilder(Db.ConnectionString) { CommandTimeout = 1, ApplicationName = name }.ConnectionString);
        await using var store = new EventStore(shortTimeout, NoteTypes.Create(), []);
        await using var holder = await Db.DataSource.OpenConnectionAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockChain = new Npgsql.NpgsqlCommand("lock table eh_event_chain in access exclusive mode", holder, hold))
            await lockChain.ExecuteNonQueryAsync();

        var verify = store.VerifyAsync();
        await Testing.Poll.UntilAsync(async () => await Db.ScalarAsync(
            $"select count(*) from pg_stat_activity where application_name = '{name}' and wait_event_type = 'Lock'") == 1,
            TimeSpan.FromSeconds(60), "the verify waiting on the chain's lock");
        // Held three times the timeout (a timed-out verify fails by itself meanwhile), then released.
        await Task.WhenAny(verify, Task.Delay(TimeSpan.FromSeconds(3)));
        await hold.RollbackAsync();

        var report = await verify;
        Assert.True(report.Intact);
        Assert.Equal(6L, report.Events);
    }

    /// The hash function is inlined by the planner into the statements that call it (the chain's
    /// append, verify); a function that is not inlined is parsed and planned again on each call,
    /// which cost the store about a third of its chain's time. Declaring it immutable, which its
    /// body is not (concat_ws is stable), is what stops the planner.
    [Fact]
    public async Task the_event_hash_is_inlined_into_the_statement_that_calls_it()
    {
        await AppendFiveAsync();
        await using var explain = Db.DataSource.CreateCommand(
            """
            explain (verbose, costs off)
            select eh_event_hash(c.prev_hash, e.stream_id, e.version, e.type, e.data, e.timestamp, e.user_name)
            from mt_events e join eh_event_chain c on c.seq_id = e.seq_id
            """);
        var plan = new System.Text.StringBuilder();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.AppendLine(reader.GetString(0));
        Assert.Contains("sha256(", plan.ToString());
        Assert.DoesNotContain("eh_event_hash", plan.ToString());
    }

    [Fact]
    public async Task one_changed_byte_of_event_data_is_reported_at_that_event()
    {
        await AppendFiveAsync();
        await Db.ExecuteAsync($"update mt_events set data = '{{\"text\": \"threE\"}}' where stream_id = '{_stream}' and version = 3");
        var found = await SingleBreakAsync();
        Assert.Equal((3L, "data"), (found.Version, found.Kind));
        Assert.Equal(await Db.ScalarAsync($"select seq_id from mt_events where stream_id = '{_stream}' and version = 3"), found.Sequence);
    }

    [Fact]
    public async Task a_deleted_event_is_reported_as_the_missing_version()
    {
        await AppendFiveAsync();
        await Db.ExecuteAsync($"delete from mt_events where stream_id = '{_stream}' and version = 3");
        var found = await SingleBreakAsync();
        Assert.Equal((3L, "missing"), (found.Version, found.Kind));
    }

    [Fact]
    public async Task a_deleted_last_event_is_reported_against_the_stream_head()
    {
        await AppendFiveAsync();
        await Db.ExecuteAsync($"delete from mt_events where stream_id = '{_stream}' and version = 5");
        var found = await SingleBreakAsync();
        Assert.Equal((5L, "head"), (found.Version, found.Kind));
    }

    [Fact]
    public async Task two_swapped_versions_are_reported_at_the_first_of_them()
    {
        await AppendFiveAsync();
        await Db.ExecuteAsync(
            $"""
            update mt_events set version = -1 where stream_id = '{_stream}' and version = 2;
            update mt_events set version = 2 where stream_id = '{_stream}' and version = 3;
            update mt_events set version = 3 where stream_id = '{_stream}' and version = -1;
            """);
        var found = await SingleBreakAsync();
        Assert.Equal((2L, "order"), (found.Version, found.Kind));
    }

    [Fact]
    public async Task a_changed_user_name_or_timestamp_breaks_the_hash_too()
    {
        await AppendFiveAsync();
        await Db.ExecuteAsync($"update mt_events set timestamp = timestamp - interval '1 day' where stream_id = '{_stream}' and version = 4");
        var found = await SingleBreakAsync();
        Assert.Equal((4L, "data"), (found.Version, found.Kind));
    }
}
