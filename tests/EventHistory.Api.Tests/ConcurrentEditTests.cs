using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using EventHistory.Access;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EventHistory.Api.Tests;

/// Many editors on few items at once: each accepted edit is in the history under its editor's
/// name, each rejected one got a real 409, and nothing else is there.
public sealed class ConcurrentEditTests(ApiServer server, ITestOutputHelper output) : IClassFixture<ApiServer>
{
    private const int Writers = 16;
    private const int Items = 50;
    private static int EditsPerWriter => Environment.GetEnvironmentVariable("EVENTHISTORY_STRESS") == "1" ? 500 : 50;

    [Fact]
    public async Task sixteen_writers_on_fifty_items_lose_no_edit_and_every_rejection_is_a_409()
    {
        var keys = server.App.Services.GetRequiredService<ApiKeys>();
        var writers = new List<(string, HttpClient)>();
        for (var w = 1; w <= Writers; w++)
        {
            var name = $"load-writer-{w:00}";
            var client = new HttpClient { BaseAddress = server.Client.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await keys.CreateAsync(name, Role.Editor));
            writers.Add((name, client));
        }
        var items = new List<Guid>();
        for (var i = 0; i < Items; i++)
        {
            var created = await server.Client.PostAsJsonAsync("/api/items", new { date = "2018-01-10", headline = $"Item {i} as first written " });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            items.Add(Guid.Parse(created.Headers.Location!.ToString().Split('/').Last()));
        }

        var load = new EditLoad(writers, items);
        var clock = Stopwatch.StartNew();
        await load.RunAsync(EditsPerWriter, CancellationToken.None);
        clock.Stop();

        var accepted = load.With(Outcome.Accepted).ToList();
        var conflicts = load.With(Outcome.Conflict).Count();
        output.WriteLine($"{accepted.Count} edits accepted, {conflicts} conflicts (409) in {clock.Elapsed.TotalSeconds:F1} s: {accepted.Count / clock.Elapsed.TotalSeconds:F0} accepted edits/s");
        Assert.Empty(load.Attempts.Where(a => a.Outcome is not (Outcome.Accepted or Outcome.Conflict)).Select(a => $"{a.Outcome}: {a.Detail}"));
        Assert.Equal(Writers * EditsPerWriter, accepted.Count);
        Assert.True(conflicts > 0, "16 writers on 50 items should have collided at least once");

        var history = await EditLoad.HistoriesAsync(server.Client, items);
        foreach (var edit in accepted)
        {
            Assert.True(history.TryGetValue((edit.Item, edit.Revision!.Value), out var entry), $"accepted edit {edit} is not in the history");
            Assert.Equal((edit.Headline, edit.Writer), (entry.Headline, entry.Editor));
        }
        foreach (var item in items)
            Assert.Equal(accepted.Count(a => a.Item == item) + 1, history.Keys.Count(k => k.Item1 == item));
        Assert.Equal(Items + accepted.Count, history.Count);
        Assert.Equal(0L, await server.Db.ScalarAsync(EditLoad.HalfWrittenSql));

        foreach (var (_, client) in writers) client.Dispose();
    }
}
