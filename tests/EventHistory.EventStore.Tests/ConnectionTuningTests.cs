using System.Net;
using System.Net.Sockets;
using EventHistory.Testing;
using Npgsql;

namespace EventHistory.EventStore.Tests;

public sealed class ConnectionTuningTests
{
    [Fact]
    public void the_service_prepares_statements_skips_the_reset_and_has_its_client_checked_unless_the_connection_string_says_otherwise()
    {
        var tuned = new NpgsqlConnectionStringBuilder(ConnectionTuning.Apply("Host=127.0.0.1;Username=postgres"));
        Assert.Equal((ConnectionTuning.MaxAutoPrepare, true, ConnectionTuning.ClientCheck), (tuned.MaxAutoPrepare, tuned.NoResetOnClose, tuned.Options));

        var chosen = new NpgsqlConnectionStringBuilder(ConnectionTuning.Apply("Host=127.0.0.1;Max Auto Prepare=0;NoResetOnClose=false;Options=-c work_mem=8MB"));
        Assert.Equal((0, false, "-c work_mem=8MB " + ConnectionTuning.ClientCheck), (chosen.MaxAutoPrepare, chosen.NoResetOnClose, chosen.Options));
        var ownCheck = new NpgsqlConnectionStringBuilder(ConnectionTuning.Apply("Host=127.0.0.1;Options=-c client_connection_check_interval=5000"));
        Assert.Equal("-c client_connection_check_interval=5000", ownCheck.Options);
    }

    /// What a kill -9 of a service process behind HAProxy looks like to PostgreSQL: the balancer
    /// closes its side while the session is in the middle of a query (Marten's daemon lock session
    /// sits in Medallion's monitoring pg_sleep). The session, and with it the daemon's locks, must end
    /// within seconds, not when the query would have.
    [Fact]
    public async Task a_session_whose_client_vanished_mid_query_ends_within_seconds_not_when_its_query_would()
    {
        await using var db = await TestDatabase.CreateAsync();
        var server = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        using var relay = Relay.Start(server.Host!, server.Port);
        var name = "vanishing-" + db.Schema;
        var through = new NpgsqlConnectionStringBuilder(db.ConnectionString)
            { Host = "127.0.0.1", Port = relay.Port, ApplicationName = name, Pooling = false };
        await using var conn = new NpgsqlConnection(through.ConnectionString);
        await conn.OpenAsync();
        await using var sleep = new NpgsqlCommand("select pg_sleep(600)", conn);
        var sleeping = sleep.ExecuteNonQueryAsync();
        var active = $"select count(*) from pg_stat_activity where application_name = '{name}' and state = 'active'";
        await Poll.UntilAsync(async () => await db.ScalarAsync(active) == 1, TimeSpan.FromSeconds(60), "the client's query to run");

        relay.Cut();

        await Poll.UntilAsync(async () => await db.ScalarAsync($"select count(*) from pg_stat_activity where application_name = '{name}'") == 0,
            TimeSpan.FromSeconds(120), "PostgreSQL to end the session of a vanished client (its pg_sleep would last 600 s)");
        await Assert.ThrowsAnyAsync<Exception>(() => sleeping);
    }

    /// A one-connection TCP relay, a stand-in for HAProxy between a client and PostgreSQL.
    private sealed class Relay : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task<(TcpClient In, TcpClient Out)> _pair;

        private Relay(string host, int port)
        {
            _listener.Start();
            _pair = PairAsync(host, port);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static Relay Start(string host, int port) => new(host, port);

        private async Task<(TcpClient, TcpClient)> PairAsync(string host, int port)
        {
            var inbound = await _listener.AcceptTcpClientAsync();
            var outbound = new TcpClient();
            await outbound.ConnectAsync(host, port);
            _ = Pump(inbound, outbound);
            _ = Pump(outbound, inbound);
            return (inbound, outbound);
        }

        private static async Task Pump(TcpClient from, TcpClient to)
        {
            try { await from.GetStream().CopyToAsync(to.GetStream()); }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
        }

        /// The client is gone: both sides are closed, so PostgreSQL's socket sees the end of the stream.
        public void Cut()
        {
            var (inbound, outbound) = _pair.GetAwaiter().GetResult();
            inbound.Close();
            outbound.Close();
        }

        public void Dispose()
        {
            if (_pair.IsCompletedSuccessfully) Cut();
            _listener.Stop();
        }
    }
}
