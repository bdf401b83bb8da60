using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EventHistory.Access;

namespace EventHistory.Bench.Measures;

/// Measure 2: the whole command path (HTTP, authentication, MediatR, validation, load state,
/// decide, append, inline projections) of the real service, run as its own process from the
/// Release build, under concurrent clients revising headlines; against measure 1's raw baseline.
public static class CommandPath
{
    public static async Task<IReadOnlyList<Measure>> RunAsync(Options o, Throughput rawBaseline)
    {
        await using var schema = await BenchSchema.CreateAsync(o.ConnectionString, "bench_http");
        var key = await new ApiKeys(schema.Db).CreateAsync("bench-editor", Role.Editor);
        var port = ChildProcess.FreePort();
        await using var service = ChildProcess.Start(o, "EventHistory.Api",
            ["--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default", "Warning"],
            // The per-key rate limit (where the build has one) is raised: this measures the path, not the limiter.
            new Dictionary<string, string> { ["EVENTHISTORY_DB"] = schema.ConnectionString, ["EVENTHISTORY_RATE_PER_SECOND"] = "1000000" });

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = o.Writers * 2 })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        await WaitUntilUpAsync(http, service);

        var items = new Guid[o.Writers, o.ItemsPerWriter];
        await Parallel.ForAsync(0, o.Writers, async (w, ct) =>
        {
            for (var i = 0; i < o.ItemsPerWriter; i++)
            {
                var created = await http.PostAsJsonAsync("/api/items",
                    new { date = "2026-11-22", headline = $"Benchmark item {w}-{i} is created", summary = "A summary of the item.", sources = new[] { new { name = "Bench", url = "https://example.org/a" } } }, ct);
                created.EnsureSuccessStatusCode();
                items[w, i] = (await created.Content.ReadFromJsonAsync<Created>(ct))!.ItemId;
            }
        });

        async Task Revise(int w, long n)
        {
            var item = items[w, n % o.ItemsPerWriter];
            // A body of known length, as most clients send it (JsonContent would be chunked).
            using var body = new StringContent(JsonSerializer.Serialize(
                new { headline = $"Benchmark client {w} revises its item's headline, edit {n}", reason = "bench: steady edits" }),
                Encoding.UTF8, "application/json");
            // Each client owns its items, so "whatever is current" (If-Match: *) loses no one's edit.
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/items/{item}/headline") { Content = body };
            request.Headers.TryAddWithoutValidation("If-Match", "*");
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"Revise answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var run = await Load.RunAsync(o.Writers, o.WarmupSeconds, o.Seconds, Revise, service.Process);
        var peak = service.PeakWorkingSetMiB;
        return
        [
            new Measure($"2 HTTP revise headline, {o.Writers} clients", run.PerSecond, rawBaseline.PerSecond, "edits/s", ">= 0.5",
                $"{run.Describe("service")}; per edit 2 round trips: authentication (1 query) and one batch (guard with " +
                "stream lock, archive and version check, Marten's append, chain hash, the item's current, revision and path rows, the commit); the item's " +
                "state is the one the service remembers from its last edit (no read); the service also runs Marten's daemon; the bench client shares the cores with the service and PostgreSQL. " +
                "Baseline: measure 1's raw rows/s."),
            new Measure("2m service peak working set", peak, null, "MiB", "", "kernel high-water mark (VmHWM) of the service process, start-up included"),
        ];
    }

    private sealed record Created(Guid ItemId, long Revision);

    internal static async Task WaitUntilUpAsync(HttpClient http, ChildProcess service)
    {
        for (var i = 0; i < 300; i++)
        {
            if (service.Process.HasExited) throw new InvalidOperationException("The service stopped:\n" + service.Output);
            try
            {
                using var response = await http.GetAsync($"/api/items/{Guid.Empty}");
                if ((int)response.StatusCode is 404 or 200) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("The service did not answer within 30 s:\n" + service.Output);
    }
}
