using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EventHistory.Access;
using EventHistory.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EventHistory.Api.Tests;

/// The service over a primary and a real streaming replica of it (a private pair of clusters). The
/// replica's replay is paused to make it lag for certain, so what each read saw is no accident.
public sealed class ReplicaReadTests : IAsyncLifetime
{
    private PrivateCluster _primary = null!;
    private PrivateCluster _replica = null!;
    private WebApplication _app = null!;
    private HttpClient _editor = null!;

    public async Task InitializeAsync()
    {
        _primary = await PrivateCluster.StartAsync();
        _replica = await _primary.StartReplicaAsync();
        _app = await ApiHost.BuildAsync(["--urls", "http://127.0.0.1:0", "--EVENTHISTORY_DB", _primary.ConnectionString,
            "--EVENTHISTORY_READ_DB", _replica.ConnectionString, "--EVENTHISTORY_READ_WAIT_MS", "200", "--Logging:LogLevel:Default", "None"]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // No cookie jar: a test sends the consistency cookie itself, or none.
        _editor = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri(address) };
        _editor.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await _app.Services.GetRequiredService<ApiKeys>().CreateAsync("replica-editor", Role.Editor));
    }

    [Fact]
    public async Task a_read_with_the_writes_token_shows_the_write_even_when_the_replica_lags_and_one_without_may_not()
    {
        var (id, first) = await CreateAsync("Replica lag item");
        await ReplayedPastAsync(first);
        await WhileReplayPausedAsync(async () =>
        {
            var edit = await ReviseAsync(id, "Replica lag item, revised", "\"1\"");

            var untokened = await _editor.GetAsync($"/api/items/{id}");
            Assert.Equal("replica", ReadSource(untokened));
            Assert.Equal("Replica lag item", await HeadlineAsync(untokened));   // the lagging replica really served it

            var tokened = await ReadAsync($"/api/items/{id}", edit);
            Assert.Equal("primary", ReadSource(tokened));                      // the replica could not catch up: paused
            Assert.Equal("Replica lag item, revised", await HeadlineAsync(tokened));
            Assert.Equal("\"2\"", tokened.Headers.ETag?.Tag);

            await SetReplayAsync(paused: false);
            await ReplayedPastAsync(edit);
            var caughtUp = await ReadAsync($"/api/items/{id}", edit);
            Assert.Equal("replica", ReadSource(caughtUp));
            Assert.Equal("Replica lag item, revised", await HeadlineAsync(caughtUp));
        });
    }

    [Fact]
    public async Task a_browser_keeps_the_token_as_a_cookie_so_its_next_page_reflects_its_write()
    {
        var (id, first) = await CreateAsync("Cookie token item");
        await ReplayedPastAsync(first);
        await WhileReplayPausedAsync(async () =>
        {
            var edit = await SendReviseAsync(id, "Cookie token item, revised", "\"1\"");
            var cookie = Assert.Single(edit.Headers.GetValues("Set-Cookie"), c => c.StartsWith("eh-consistency=", StringComparison.Ordinal));
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);

            using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/items/{id}");
            read.Headers.Add("Cookie", cookie.Split(';')[0]);
            var answer = await _editor.SendAsync(read);
            Assert.Equal("primary", ReadSource(answer));
            Assert.Equal("Cookie token item, revised", await HeadlineAsync(answer));
        });
    }

    [Fact]
    public async Task a_tokened_read_is_checked_on_the_connection_that_serves_it_when_the_read_address_reaches_both_servers()
    {
        // As HAProxy's read port does when its pool holds connections to the replica and to the
        // primary (its backup): each new connection to the read address lands on the other server.
        var bothServers = $"Host=127.0.0.1:{_replica.Port},127.0.0.1:{_primary.Port};Load Balance Hosts=true;Username=postgres;Database=postgres;Timeout=5";
        await using var app = await ApiHost.BuildAsync(["--urls", "http://127.0.0.1:0", "--EVENTHISTORY_DB", _primary.ConnectionString,
            "--EVENTHISTORY_READ_DB", bothServers, "--EVENTHISTORY_READ_WAIT_MS", "100", "--EVENTHISTORY_DAEMON", "false",
            "--Logging:LogLevel:Default", "None"]);
        await app.StartAsync();
        using var service = new HttpClient(new SocketsHttpHandler { UseCookies = false })
            { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        var (id, first) = await CreateAsync("Two servers item");
        await ReplayedPastAsync(first);
        await WhileReplayPausedAsync(async () =>
        {
            var edit = await ReviseAsync(id, "Two servers item, revised", "\"1\"");
            var seen = new List<string>();
            for (var read = 0; read < 6; read++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/items/{id}");
                request.Headers.Add("Consistency-Token", edit);
                var answer = await service.SendAsync(request);
                seen.Add($"{await HeadlineAsync(answer)} ({ReadSource(answer)})");
            }
            // A check made on one connection and a read made on another would let every second read
            // come from the paused replica, without its write.
            Assert.All(seen, s => Assert.StartsWith("Two servers item, revised (", s));
        });
        await app.StopAsync();
    }

    [Fact]
    public async Task a_token_that_is_not_a_wal_position_is_refused_by_name()
    {
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/items/{Guid.NewGuid()}");
        read.Headers.TryAddWithoutValidation("Consistency-Token", "yesterday");
        var answer = await _editor.SendAsync(read);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("Consistency-Token", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task writes_and_reads_that_must_be_current_stay_on_the_primary_while_the_replica_lags()
    {
        var (id, first) = await CreateAsync("Primary only item");
        await ReplayedPastAsync(first);
        await WhileReplayPausedAsync(async () =>
        {
            // The edit's expected revision is checked on the primary: a lagging replica cannot make it conflict.
            await ReviseAsync(id, "Primary only item, 2", "\"1\"");
            await ReviseAsync(id, "Primary only item, 3", "\"2\"");
            var history = await (await ReadAsync($"/api/items/{id}/revisions", await ReviseAsync(id, "Primary only item, 4", "\"3\"")))
                .Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(4, history.GetArrayLength());
        });
    }

    [Fact]
    public async Task a_write_that_reaches_a_server_in_recovery_is_unavailability_not_a_bug()
    {
        // As when a balancer still points at a primary that was just demoted: the server refuses the write.
        await using var conn = new NpgsqlConnection(_replica.ConnectionString + ";Pooling=false");
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("insert into eh_api_keys (name, role, key_hash) values ('x', 1, 'x')", conn);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, refused.SqlState);
        Assert.True(Faults.IsDatabaseUnavailable(refused));
    }

    private async Task<(Guid Id, string Token)> CreateAsync(string headline)
    {
        var created = await _editor.PostAsJsonAsync("/api/items", new { date = "2018-01-10", headline });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (Guid.Parse(created.Headers.Location!.ToString().Split('/').Last()), TokenOf(created));
    }

    private async Task<string> ReviseAsync(Guid id, string headline, string ifMatch) => TokenOf(await SendReviseAsync(id, headline, ifMatch));

    private async Task<HttpResponseMessage> SendReviseAsync(Guid id, string headline, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/items/{id}/headline") { Content = JsonContent.Create(new { headline }) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        var answer = await _editor.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return answer;
    }

    private Task<HttpResponseMessage> ReadAsync(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Consistency-Token", token);
        return _editor.SendAsync(request);
    }

    private static string TokenOf(HttpResponseMessage answer)
    {
        var token = Assert.Single(answer.Headers.GetValues("Consistency-Token"));
        Assert.Matches("^[0-9A-F]+/[0-9A-F]+$", token);
        return token;
    }

    private static string? ReadSource(HttpResponseMessage answer) =>
        answer.Headers.TryGetValues("Read-Source", out var values) ? values.Single() : null;

    private static async Task<string> HeadlineAsync(HttpResponseMessage answer) =>
        (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("headline").GetString()!;

    /// Runs a step with the replica's replay paused (so it lags for certain), and resumes it after.
    private async Task WhileReplayPausedAsync(Func<Task> step)
    {
        await SetReplayAsync(paused: true);
        try { await step(); }
        finally { await SetReplayAsync(paused: false); }
    }

    private async Task SetReplayAsync(bool paused) =>
        await _replica.ScalarAsync(paused ? "select 1 from pg_wal_replay_pause()" : "select 1 from pg_wal_replay_resume()");

    /// Polls the replica (not the service) until it has replayed the token's position.
    private async Task ReplayedPastAsync(string token)
    {
        var clock = Stopwatch.StartNew();
        while (await _replica.ScalarAsync($"select (pg_last_wal_replay_lsn() >= '{token}'::pg_lsn)::int") != 1)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"The replica did not replay {token}.");
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        _editor.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _replica.DisposeAsync();
        await _primary.DisposeAsync();
    }
}
