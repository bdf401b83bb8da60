using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using EventHistory.Access;
using EventHistory.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EventHistory.Api.Tests;

/// PostgreSQL (a private cluster, not the shared one) crashes and comes back in the middle of an
/// editing load: requests fail fast with 503, nothing is half-written, the service serves again unrestarted.
public sealed class DatabaseOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private PrivateCluster _cluster = null!;
    private WebApplication _app = null!;
    private readonly List<HttpClient> _clients = [];

    public async Task InitializeAsync()
    {
        _cluster = await PrivateCluster.StartAsync();
        _app = await ApiHost.BuildAsync(["--urls", "http://127.0.0.1:0", "--EVENTHISTORY_DB", _cluster.ConnectionString, "--Logging:LogLevel:Default", "None"]);
        await _app.StartAsync();
    }

    private async Task<HttpClient> ClientAsync(string name, Role role)
    {
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await _app.Services.GetRequiredService<ApiKeys>().CreateAsync(name, role));
        _clients.Add(client);
        return client;
    }

    [Fact]
    public async Task a_database_crash_under_load_leaves_no_half_written_edit_and_the_service_recovers_by_itself()
    {
        var admin = await ClientAsync("outage-admin", Role.Admin);
        var writers = new List<(string, HttpClient)>();
        for (var w = 1; w <= 8; w++) writers.Add(($"outage-writer-{w}", await ClientAsync($"outage-writer-{w}", Role.Editor)));
        var items = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            var created = await admin.PostAsJsonAsync("/api/items", new { date = "2018-01-10", headline = $"Outage item {i} " });
            items.Add(Guid.Parse(created.Headers.Location!.ToString().Split('/').Last()));
        }

        var load = new EditLoad(writers, items);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var running = load.RunAsync(int.MaxValue, stop.Token, newHeadlinePerAttempt: true);

        await Poll.UntilAsync(() => load.Accepted >= 100, TimeSpan.FromSeconds(30), "100 edits before the crash");
        await _cluster.StopServerAsync();
        var acceptedAtCrash = load.Accepted;
        await Task.Delay(2000);
        var ready = await admin.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/health/live")).StatusCode);
        var duringOutage = load.Accepted - acceptedAtCrash;

        await _cluster.StartServerAsync();
        await Poll.UntilAsync(async () => (await admin.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "ready again");
        var afterRestart = load.Accepted;
        await Poll.UntilAsync(() => load.Accepted >= afterRestart + 100, TimeSpan.FromSeconds(30), "100 edits after the restart");
        await stop.CancelAsync();
        await running;

        var failures = load.Attempts.Where(a => a.Outcome is Outcome.Unavailable or Outcome.ConnectionFailed).ToList();
        output.WriteLine($"{load.Accepted} accepted ({duringOutage} while down), {load.With(Outcome.Conflict).Count()} conflicts, " +
            $"{failures.Count} failed during the outage, slowest failure {failures.Select(f => f.Took.TotalMilliseconds).DefaultIfEmpty().Max():F0} ms");
        Assert.Empty(load.With(Outcome.Unexpected).Select(a => a.Detail));
        Assert.NotEmpty(load.With(Outcome.Unavailable));
        Assert.All(failures, f => Assert.True(f.Took < TimeSpan.FromSeconds(10), $"a failure took {f.Took}: {f.Detail}"));

        var history = await EditLoad.HistoriesAsync(admin, items);
        foreach (var edit in load.With(Outcome.Accepted))
            Assert.Equal((edit.Headline, edit.Writer), history[(edit.Item, edit.Revision!.Value)]);
        var headlinesTried = load.Attempts.Where(a => a.Outcome is not Outcome.Conflict).Select(a => a.Headline).ToHashSet();
        var rejected = load.With(Outcome.Conflict).Select(a => a.Headline).ToHashSet();
        foreach (var (key, entry) in history.Where(h => h.Key.Item2 > 1))
        {
            Assert.DoesNotContain(entry.Headline, rejected);
            Assert.Contains(entry.Headline, headlinesTried);
        }
        Assert.Equal(0L, await _cluster.ScalarAsync(EditLoad.HalfWrittenSql));
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _cluster.DisposeAsync();
    }
}
