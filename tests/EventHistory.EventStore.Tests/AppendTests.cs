namespace EventHistory.EventStore.Tests;

public sealed class AppendTests : StoreTestBase
{
    [Fact]
    public async Task starting_a_stream_then_appending_numbers_the_versions_from_one()
    {
        var id = Guid.NewGuid();
        await Store.AppendAsync(id, "note", 0, [new Noted("a")], By("ann"));
        var result = await Store.AppendAsync(id, "note", 1, [new Noted("b"), new Renamed("c")], By("bob"));

        Assert.Equal((2L, 3L), (result.FirstVersion, result.LastVersion));
        var events = await Store.ReadStreamAsync(id);
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Version));
        Assert.Equal(["noted", "noted", "renamed"], events.Select(e => e.Type));
        Assert.Equal(new Noted("b"), events[1].Data);
        Assert.Equal(["ann", "bob", "bob"], events.Select(e => e.UserName));
        Assert.Equal(3L, await Store.StreamVersionAsync(id));
    }

    [Fact]
    public async Task a_command_id_is_bound_to_its_request_and_refused_for_another()
    {
        var id = Guid.NewGuid();
        byte[] request = [1, 2, 3], another = [4, 5, 6];
        await Store.AppendAsync(id, "note", 0, [new Noted("a")], new EventMetadata("ann", CommandId: "c-1", RequestHash: request));

        var retry = await Store.AppendAsync(id, "note", 0, [new Noted("a")], new EventMetadata("ann", CommandId: "c-1", RequestHash: request));
        Assert.True(retry.Duplicate);
        await Assert.ThrowsAsync<CommandReusedException>(() =>
            Store.AppendAsync(id, "note", 1, [new Noted("b")], new EventMetadata("ann", CommandId: "c-1", RequestHash: another)));
        await Assert.ThrowsAsync<CommandReusedException>(() => Store.FindCommandAsync("c-1", another));
        Assert.NotNull(await Store.FindCommandAsync("c-1", request));
        Assert.Equal(1L, await Db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task every_event_carries_marten_metadata_from_the_append()
    {
        var id = Guid.NewGuid();
        var headers = new Dictionary<string, string> { ["request-path"] = "/api/items", ["client"] = "cli" };
        var result = await Store.AppendAsync(id, "note", 0, [new Noted("a"), new Noted("b")],
            new EventMetadata("ann", CorrelationId: "corr-1", CausationId: "cmd-7", Headers: headers));

        var events = await Store.ReadStreamAsync(id);
        Assert.All(events, e =>
        {
            Assert.Equal(("ann", "corr-1", "cmd-7"), (e.UserName, e.CorrelationId, e.CausationId));
            Assert.Equal(headers, e.Headers);
        });
        Assert.Equal(result.Events.Select(e => (e.Id, e.Sequence, e.Timestamp)), events.Select(e => (e.Id, e.Sequence, e.Timestamp)));
        // Marten's own columns hold them, so Marten's tooling and queries see them too.
        Assert.Equal(2L, await Db.ScalarAsync(
            $"select count(*) from mt_events where stream_id = '{id}' and user_name = 'ann' and correlation_id = 'corr-1' and causation_id = 'cmd-7' and headers->>'client' = 'cli'"));
    }

    [Fact]
    public async Task a_stale_expected_version_is_a_typed_conflict_that_draws_no_sequence_number()
    {
        var id = Guid.NewGuid();
        await Store.AppendAsync(id, "note", 0, [new Noted("a")], By("ann"));
        var sequenceBefore = await Db.ScalarAsync("select last_value from mt_events_sequence");

        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => Store.AppendAsync(id, "note", 0, [new Noted("b")], By("bob")));
        Assert.Equal((0L, 1L), (conflict.ExpectedVersion, conflict.ActualVersion));
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.AppendAsync(id, "note", 5, [new Noted("c")], By("bob")));

        Assert.Equal(sequenceBefore, await Db.ScalarAsync("select last_value from mt_events_sequence"));
        Assert.Equal(1L, await Db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task two_writers_racing_on_one_stream_exactly_one_wins()
    {
        var id = Guid.NewGuid();
        await Store.AppendAsync(id, "note", 0, [new Noted("start")], By("ann"));
        for (var round = 0; round < 20; round++)
        {
            var version = (long)(await Store.StreamVersionAsync(id))!;
            var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
            {
                try { await Store.AppendAsync(id, "note", version, [new Noted($"{round}/{w}")], By($"w{w}")); return true; }
                catch (ConcurrencyException) { return false; }
            })).ToArray();
            var won = await Task.WhenAll(writers);
            Assert.Single(won, w => w);
        }
        Assert.Equal(21L, await Store.StreamVersionAsync(id));
        Assert.Equal(21L, await Db.ScalarAsync($"select n from counts where stream_id = '{id}'"));
    }

    [Fact]
    public async Task two_writers_starting_the_same_stream_exactly_one_wins()
    {
        var id = Guid.NewGuid();
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            try { await Store.AppendAsync(id, "note", 0, [new Noted($"{w}")], By($"w{w}")); return true; }
            catch (ConcurrencyException) { return false; }
        })));
        Assert.Single(results, r => r);
        Assert.Equal(1L, await Db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task a_failing_inline_projection_rolls_the_events_back()
    {
        var id = Guid.NewGuid();
        Counting.FailNext = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AppendAsync(id, "note", 0, [new Noted("a")], By("ann")));

        Assert.Equal(0L, await Db.ScalarAsync("select count(*) from mt_events"));
        Assert.Equal(0L, await Db.ScalarAsync("select count(*) from mt_streams"));
        await Store.AppendAsync(id, "note", 0, [new Noted("a")], By("ann"));
        Assert.Equal(1L, await Db.ScalarAsync($"select n from counts where stream_id = '{id}'"));
    }

    [Fact]
    public async Task reading_up_to_a_version_or_a_time_returns_only_what_was_there()
    {
        var id = Guid.NewGuid();
        await Store.AppendAsync(id, "note", 0, [new Noted("1")], By("ann"));
        await Store.AppendAsync(id, "note", 1, [new Noted("2")], By("ann"));
        var middle = (await Store.ReadStreamAsync(id))[1].Timestamp;
        await Task.Delay(20);
        await Store.AppendAsync(id, "note", 2, [new Noted("3")], By("ann"));

        Assert.Equal(["1", "2"], (await Store.ReadStreamAsync(id, 1, 2)).Select(e => ((Noted)e.Data).Text));
        Assert.Equal(["1", "2"], (await Store.ReadStreamAsync(id, middle)).Select(e => ((Noted)e.Data).Text));
        Assert.Empty(await Store.ReadStreamAsync(id, middle.AddYears(-1)));
    }

    [Fact]
    public async Task a_retried_command_appends_nothing_and_answers_its_first_outcome()
    {
        var id = Guid.NewGuid();
        var first = await Store.AppendAsync(id, "note", 0, [new Noted("a")], By("ann", "cmd-1"));
        var retry = await Store.AppendAsync(id, "note", 0, [new Noted("a")], By("ann", "cmd-1"));

        Assert.False(first.Duplicate);
        Assert.True(retry.Duplicate);
        Assert.Equal((first.FirstVersion, first.LastVersion), (retry.FirstVersion, retry.LastVersion));
        Assert.Equal(1L, await Db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task each_event_is_chained_to_the_hash_of_the_one_before()
    {
        var id = Guid.NewGuid();
        await Store.AppendAsync(id, "note", 0, [new Noted("a"), new Noted("b")], By("ann"));
        await Store.AppendAsync(id, "note", 2, [new Noted("c")], By("ann"));

        Assert.Equal(0L, await Db.ScalarAsync(
            """
            select count(*) from mt_events e
            left join eh_event_chain c on c.seq_id = e.seq_id
            left join eh_event_chain p on p.stream_id = e.stream_id and p.version = e.version - 1
            where c.stream_id is distinct from e.stream_id or c.version is distinct from e.version
               or c.prev_hash is distinct from p.hash
               or c.hash <> eh_event_hash(c.prev_hash, e.stream_id, e.version, e.type, e.data, e.timestamp, e.user_name)
            """));
        Assert.Equal(3L, await Db.ScalarAsync("select count(*) from eh_event_chain"));
    }

    [Fact]
    public async Task creating_the_schema_twice_is_harmless()
    {
        await EventStoreSchema.EnsureCreatedAsync(Db.DataSource);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => EventStoreSchema.EnsureCreatedAsync(Db.DataSource)));
        Assert.Equal(0L, await Db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task starting_against_a_made_schema_takes_no_table_lock_while_appends_are_in_flight()
    {
        // An append in flight holds its tables; DDL on them would wait for it, and could deadlock with it.
        await using var conn = await Db.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var hold = new Npgsql.NpgsqlCommand("lock table eh_event_chain, eh_command_log, counts in row exclusive mode", conn, tx))
            await hold.ExecuteNonQueryAsync();

        await EventStoreSchema.EnsureCreatedAsync(Db.DataSource, ["create table if not exists counts (stream_id uuid primary key, n int not null)"])
            .WaitAsync(TimeSpan.FromSeconds(20));
        await tx.RollbackAsync();
    }

    [Fact]
    public async Task a_database_of_the_store_before_marten_is_refused_and_left_as_it_was()
    {
        await using var old = await Testing.TestDatabase.CreateAsync();
        await old.ExecuteAsync("create table mt_events (seq_id bigint primary key, data jsonb, hash bytea not null)");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => EventStoreSchema.EnsureCreatedAsync(old.DataSource));
        Assert.Contains("eventhistory export", refused.Message);
        Assert.Equal(0L, await old.ScalarAsync("select count(*) from information_schema.tables where table_schema = current_schema() and table_name <> 'mt_events'"));
    }
}
