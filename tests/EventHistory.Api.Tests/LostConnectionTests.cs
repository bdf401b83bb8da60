using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace EventHistory.Api.Tests;

/// What a failover or a restart of PostgreSQL leaves in the service's pools: connections whose
/// sessions the server has ended. A request that meets one before it could write anything (a read,
/// or a write still in its authentication) is answered from a fresh connection
/// (LostConnectionRetry; LostConnectionRetryTests has the rule for a write past that point).
public sealed class LostConnectionTests : ApiServer
{
    private string ApplicationName => "lost-connection-" + Db.Schema;

    // The service's connections carry a name of their own, so the sessions ended below are this
    // class's service's and no other test's; no daemon, so no session of it is busy when they end.
    protected override IEnumerable<string> Settings =>
    [
        "--EVENTHISTORY_DB", new NpgsqlConnectionStringBuilder(Db.ConnectionString) { ApplicationName = ApplicationName }.ConnectionString,
        "--EVENTHISTORY_DAEMON", "false",
    ];

    [Fact]
    public async Task a_read_that_meets_sessions_the_server_ended_is_answered_from_a_fresh_connection()
    {
        var location = await CreateAsync("A headline read across a lost connection ");
        // Read often enough that every pooled connection has prepared the read's statements.
        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(location)).StatusCode);
        Assert.True(await Db.EndIdleSessionsAsync(ApplicationName) >= 1);

        var read = await Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("primary", Assert.Single(read.Headers.GetValues("Read-Source")));
        var item = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("A headline read across a lost connection ", item.GetProperty("headline").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"{location}/revisions")).StatusCode);

        // A page of the site, rendered on the server, the same.
        var page = $"/items/{location.Split('/').Last()}/history";
        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(page)).StatusCode);
        Assert.True(await Db.EndIdleSessionsAsync(ApplicationName) >= 1);
        var html = await Client.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Contains("A headline read across a lost connection", await html.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task a_write_whose_authentication_meets_sessions_the_server_ended_runs_again_and_is_written_once()
    {
        var location = await CreateAsync("A headline before a lost connection ");
        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(location)).StatusCode);
        var events = await Db.ScalarAsync("select count(*) from mt_events");
        Assert.True(await Db.EndIdleSessionsAsync(ApplicationName) >= 1);

        // The request's first query, the key's lookup, meets an ended session: nothing was written
        // yet, so the whole request runs again on a fresh connection.
        var revised = await ReviseAsync(location, "A headline sent across a lost connection ");
        Assert.Equal(HttpStatusCode.OK, revised.StatusCode);
        Assert.Equal("\"2\"", revised.Headers.ETag!.Tag);
        Assert.Equal(events + 1, await Db.ScalarAsync("select count(*) from mt_events"));
        var history = await Client.GetFromJsonAsync<JsonElement[]>($"{location}/revisions");
        Assert.Equal(["A headline before a lost connection ", "A headline sent across a lost connection "],
            history!.Select(h => h.GetProperty("headline").GetString()));
    }

    private async Task<string> CreateAsync(string headline)
    {
        var created = await Client.PostAsJsonAsync("/api/items", new { date = "2017-07-30", headline });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return created.Headers.Location!.ToString();
    }

    private Task<HttpResponseMessage> ReviseAsync(string location, string headline) =>
        Client.PostAsJsonAsync($"{location}/headline", new { headline, reason = "lost connection test" });
}
