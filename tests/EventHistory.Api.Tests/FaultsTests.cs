using System.Net.Sockets;
using Npgsql;

namespace EventHistory.Api.Tests;

public sealed class FaultsTests
{
    [Fact]
    public void connection_failures_and_shutdowns_are_unavailability_but_sql_errors_are_not()
    {
        Assert.True(Faults.IsDatabaseUnavailable(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(Faults.IsDatabaseUnavailable(new InvalidOperationException("wrapped", new TimeoutException())));
        Assert.True(Faults.IsDatabaseUnavailable(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")));
        Assert.True(Faults.IsDatabaseUnavailable(new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03")));
        Assert.False(Faults.IsDatabaseUnavailable(new PostgresException("relation does not exist", "ERROR", "ERROR", "42P01")));
        // What a write gets from a standby (scripts/cluster.sh: a primary being demoted, or HAProxy's
        // write port still pointing at it for a moment); Marten wraps it.
        Assert.True(Faults.IsDatabaseUnavailable(new InvalidOperationException("Marten Command Failure",
            new PostgresException("cannot execute INSERT in a read-only transaction", "ERROR", "ERROR", "25006"))));
        Assert.True(Faults.IsDatabaseUnavailable(new PostgresException("prepared statement \"_auto1\" does not exist", "ERROR", "ERROR", "26000")));
        Assert.False(Faults.IsDatabaseUnavailable(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")));
        Assert.False(Faults.IsDatabaseUnavailable(new InvalidOperationException("a bug")));
    }

    [Fact]
    public void a_session_lost_on_an_open_connection_is_worth_a_fresh_one_but_a_server_that_refuses_or_does_not_answer_is_not()
    {
        // What LostConnectionRetry runs a request again for: the server ended the session, or the peer reset it.
        Assert.True(Faults.IsLostConnection(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")));
        Assert.True(Faults.IsLostConnection(new NpgsqlException("Exception while reading from stream",
            new IOException("Connection reset by peer", new SocketException((int)SocketError.ConnectionReset)))));
        Assert.True(Faults.IsLostConnection(new PostgresException("prepared statement \"_auto1\" does not exist", "ERROR", "ERROR", "26000")));
        // Opening failed: asking again at once would only double the client's wait for its 503.
        Assert.False(Faults.IsLostConnection(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.False(Faults.IsLostConnection(new NpgsqlException("The operation has timed out", new TimeoutException())));
        // Not unavailability at all.
        Assert.False(Faults.IsLostConnection(new PostgresException("relation does not exist", "ERROR", "ERROR", "42P01")));
    }

    [Fact]
    public void connecting_gives_up_after_five_seconds_unless_the_operator_chose_otherwise()
    {
        Assert.Equal(5, new NpgsqlConnectionStringBuilder(Faults.FailFast("Host=db;Username=u")).Timeout);
        Assert.Equal(30, new NpgsqlConnectionStringBuilder(Faults.FailFast("Host=db;Username=u;Timeout=30")).Timeout);
    }

    [Theory]
    [InlineData("$.sources[0].url", "sources[0].url")]
    [InlineData("$.headline", "headline")]
    [InlineData("$['odd name']", "odd name")]
    [InlineData("$", "")]
    [InlineData(null, "")]
    public void json_paths_become_field_names(string? path, string field) => Assert.Equal(field, Faults.FieldOf(path));
}
