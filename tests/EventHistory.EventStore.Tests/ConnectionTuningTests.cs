using Npgsql;

namespace EventHistory.EventStore.Tests;

public sealed class ConnectionTuningTests
{
    [Fact]
    public void the_service_prepares_statements_and_skips_the_reset_unless_the_connection_string_says_otherwise()
    {
        var tuned = new NpgsqlConnectionStringBuilder(ConnectionTuning.Apply("Host=127.0.0.1;Username=postgres"));
        Assert.Equal((ConnectionTuning.MaxAutoPrepare, true), (tuned.MaxAutoPrepare, tuned.NoResetOnClose));

        var chosen = new NpgsqlConnectionStringBuilder(ConnectionTuning.Apply("Host=127.0.0.1;Max Auto Prepare=0;NoResetOnClose=false"));
        Assert.Equal((0, false), (chosen.MaxAutoPrepare, chosen.NoResetOnClose));
    }
}
