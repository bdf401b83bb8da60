using EventHistory.Testing;
using Npgsql;

namespace EventHistory.EventStore.Tests;

public sealed class OrderingTests : StoreTestBase
{
    [Fact]
    public async Task an_append_whose_transaction_id_is_older_than_its_predecessors_is_still_read_after_it()
    {
        var id = Guid.NewGuid();
        await Store.AppendAsync(id, "note", 0, [new Noted("v1")], By("ann"));
        // Claiming a command id gives the append's transaction its id; the trigger then stalls it,
        // so another writer can take a newer transaction id and append version 2 first.
        await Db.ExecuteAsync(
            """
            create function stall_claim() returns trigger language plpgsql as $$
            begin if new.command_id = 'cmd-late' and new.first_version = 0 then perform pg_sleep(1.5); end if; return new; end $$;
            create trigger stall_claim after insert on eh_command_log for each row execute function stall_claim();
            """);
        var late = Task.Run(() => Store.AppendAsync(id, "note", 2, [new Noted("v3")], By("bob", "cmd-late")));
        await Poll.UntilAsync(async () => await Db.ScalarAsync(
                "select count(*) from pg_stat_activity where wait_event = 'PgSleep' and query like '%eh_append_guard(%'") > 0,
            TimeSpan.FromSeconds(30), "the late append to stall in its claim");

        await using (var conn = await Db.DataSource.OpenConnectionAsync())
            await EventStoreSchemaTestSql.InsertSecondVersionAsync(conn, id);
        await late;

        var all = new List<GlobalEvent>();
        await Poll.UntilAsync(async () => (all = [.. await Store.ReadAllAsync(GlobalPosition.Start, 100)]).Count >= 3,
            TimeSpan.FromSeconds(30), "the three events below the feed's horizon");
        Assert.Equal([1L, 2L, 3L], all.Select(e => e.Event.Version));
    }
}
