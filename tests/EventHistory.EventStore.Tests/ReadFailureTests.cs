using EventHistory.Testing;
using Npgsql;

namespace EventHistory.EventStore.Tests;

/// What a failover does to a pooled connection: the server ends its session. The next read on it
/// must fail as the lost connection it is (the service answers 503 and clears its pools), and the
/// read after it succeed on a new connection.
public sealed class ReadFailureTests
{
    [Fact]
    public async Task a_read_on_a_connection_the_server_ended_fails_as_a_lost_connection_not_as_a_missing_prepared_statement()
    {
        await using var db = await TestDatabase.CreateAsync();
        // An application name of its own: the sessions ended below are this test's, no other class's.
        var name = "read-failure-" + db.Schema;
        await using var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(db.ConnectionString) { ApplicationName = name }.ConnectionString);
        await EventStoreSchema.EnsureCreatedAsync(source, []);
        await using var store = new EventStore(source, NoteTypes.Create(), []);
        var id = Guid.NewGuid();
        await store.AppendAsync(id, "note", 0, [new Noted("a")], new EventMetadata("ann"));
        // Often enough that Npgsql prepares the read's statement on the connection (MaxAutoPrepare).
        for (var i = 0; i < 10; i++) await store.ReadStreamAsync(id);
        Assert.True(await db.EndIdleSessionsAsync(name) >= 1);

        // The pool hands out the connection whose session is gone (Npgsql does not probe it): the
        // read must fail as a lost connection (the server's 57P01 or the closed socket), never as
        // 26000, a prepared statement that a new session would lack.
        var failure = await Record.ExceptionAsync(() => store.ReadStreamAsync(id));
        Assert.NotNull(failure);
        Assert.False(failure is PostgresException { SqlState: "26000" }, failure.ToString());
        Assert.IsAssignableFrom<NpgsqlException>(failure);
        Assert.Single(await store.ReadStreamAsync(id));
    }
}
