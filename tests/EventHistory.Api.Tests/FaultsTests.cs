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
