using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventHistory.Testing;

namespace EventHistory.Api.Tests;

/// The 2017-07-30 example item as the site really had it: imported from its page, then from its
/// old slug file (the page of an earlier revision, learned after the current one), the order a
/// directory import takes (pages with a Changes list first).
public sealed class ImportedExampleItemTests(ApiServer server) : IClassFixture<ApiServer>, IAsyncLifetime
{
    private const string Folder = "/news/2017/07/30/";
    private const string Current = Folder + "russian-president-vladimir-putin-expels-755-u-s-diplomats-in-response-to-new-sanctions-imposed-by-the-united-states.md";
    private const string OldSlug = Folder + "russia-united-states-relations-russian-president-vladimir-putin-expels-755-u-s-diplomats-in-response-to-new-sanctions-imposed-by-the-uni.md";
    private string _item = null!;

    public async Task InitializeAsync()
    {
        foreach (var path in new[] { Current, OldSlug })
        {
            var response = await server.Client.PostAsJsonAsync("/api/pages", new { path, text = File.ReadAllText(Corpus.PathOf("en" + path)) });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
        var found = await server.Client.GetFromJsonAsync<JsonElement>($"/api/items?path={Uri.EscapeDataString(OldSlug)}");
        _item = $"/api/items/{found.GetProperty("id").GetString()}";
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_history_reads_first_version_updates_and_the_old_page_as_a_fact_about_the_past()
    {
        var history = (await server.Client.GetFromJsonAsync<JsonElement[]>($"{_item}/revisions"))!;
        var kinds = history.Select(h => h.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["First version", "Update", "Update"], kinds.Where(k => k != "Earlier version found"));
        // The old page is learned last, yet it is not the current version: the one before it is,
        // and only that one says so (it was labelled "Current version" with a revision after it).
        Assert.Equal("Earlier version found", kinds[^1]);
        var current = history.Single(h => h.GetProperty("current").GetBoolean());
        Assert.Equal("Update", current.GetProperty("kind").GetString());
        Assert.True(current.GetProperty("revision").GetInt64() < history[^1].GetProperty("revision").GetInt64());
        Assert.StartsWith("Russian President Vladimir Putin expels 755 U.S. diplomats", current.GetProperty("headline").GetString());
        Assert.StartsWith("Russia-United States relations: ",
            (await server.Client.GetFromJsonAsync<JsonElement>($"{_item}/revisions/2")).GetProperty("headline").GetString());
    }

    [Fact]
    public async Task the_timegate_for_2017_08_10_points_at_revision_one_and_as_of_reads_agree()
    {
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Client.BaseAddress };
        var request = new HttpRequestMessage(HttpMethod.Get, $"{_item}/timegate");
        request.Headers.TryAddWithoutValidation("Accept-Datetime", "Thu, 10 Aug 2017 00:00:00 GMT");
        var gate = await noRedirect.SendAsync(request);
        Assert.Equal(HttpStatusCode.Found, gate.StatusCode);
        Assert.EndsWith($"{_item}/revisions/1", gate.Headers.Location!.ToString());

        var early = await server.Client.GetFromJsonAsync<JsonElement>($"{_item}?asOf=2017-08-10");
        Assert.Contains("755 United States diplomats", early.GetProperty("headline").GetString());
        // The old page was learned after the current version: reading as of any later time still shows the current version.
        var now = await server.Client.GetFromJsonAsync<JsonElement>($"{_item}?asOf=2030-01-01");
        Assert.Equal(Current, now.GetProperty("path").GetString());
    }

    [Fact]
    public async Task the_diff_from_one_to_three_shows_united_states_replaced_by_us_in_the_headline()
    {
        var diff = await server.Client.GetFromJsonAsync<JsonElement>($"{_item}/diff?from=1&to=3");
        var segments = diff.GetProperty("headline").GetProperty("segments").EnumerateArray()
            .Select(s => (s.GetProperty("kind").GetString(), s.GetProperty("text").GetString())).ToList();
        Assert.Equal([("Delete", "United States"), ("Insert", "U.S.")], segments.Where(s => s.Item1 != "Equal"));
        // The page moved to the new slug with the new headline: the diff names the path among what changed.
        Assert.Contains("path", diff.GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        var first = await server.Client.GetFromJsonAsync<JsonElement>($"{_item}/revisions/1");
        Assert.Equal(first.GetProperty("path").GetString(), diff.GetProperty("path").GetProperty("from").GetString());
        Assert.Equal(Current, diff.GetProperty("path").GetProperty("to").GetString());
    }
}
