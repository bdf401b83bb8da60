using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventHistory.Api.Tests;

public sealed class ItemsApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    private readonly HttpClient _http = server.Client;

    private const string FirstHeadline =
        "Russian President Vladimir Putin expels 755 United States diplomats in response to new sanctions imposed by the United States. ";
    private const string SecondHeadline =
        "Russia-United States relations: Russian President Vladimir Putin expels 755 U.S. diplomats in response to new sanctions imposed by the United States. ";
    private const string ThirdHeadline =
        "Russian President Vladimir Putin expels 755 U.S. diplomats in response to new sanctions imposed by the United States. ";

    private async Task<(string Location, HttpResponseMessage Response)> CreateAsync(string headline = FirstHeadline)
    {
        var response = await _http.PostAsJsonAsync("/api/items", new
        {
            date = "2017-07-30",
            headline,
            summary = "President Vladimir Putin orders reduction in staff and vows for additional measures in retaliation to new US sanctions.",
            sources = new[] { new { name = "Al Jazeera", url = "http://www.aljazeera.com/news/2017/07/russia-expels-755-diplomats-response-sanctions-170730201720880.html" } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (response.Headers.Location!.ToString(), response);
    }

    private Task<HttpResponseMessage> ReviseAsync(string location, string headline, string? ifMatch, string reason = "editor's fix")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{location}/headline") { Content = JsonContent.Create(new { headline, reason }) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return _http.SendAsync(request);
    }

    private async Task<long> EventCountAsync() => await server.Db.ScalarAsync("select count(*) from mt_events");

    [Fact]
    public async Task without_a_replica_a_write_answers_no_consistency_token_and_reads_name_the_primary()
    {
        var (location, created) = await CreateAsync();
        Assert.False(created.Headers.Contains("Consistency-Token"));   // nothing to wait for: every read is on the primary
        var read = await _http.GetAsync(location);
        Assert.Equal("primary", Assert.Single(read.Headers.GetValues("Read-Source")));
    }

    [Fact]
    public async Task create_revise_twice_then_read_revision_one_and_list_three_revisions()
    {
        var (location, created) = await CreateAsync();
        Assert.Matches("^/api/items/[0-9a-f-]{36}$", location);
        Assert.Equal("\"1\"", created.Headers.ETag!.Tag);

        var second = await ReviseAsync(location, SecondHeadline, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("\"2\"", second.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, (await ReviseAsync(location, ThirdHeadline, "\"2\"")).StatusCode);

        var current = await _http.GetAsync(location);
        Assert.Equal("\"3\"", current.Headers.ETag!.Tag);
        var item = await current.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ThirdHeadline, item.GetProperty("headline").GetString());
        Assert.Equal("2017-07-30", item.GetProperty("date").GetString());
        Assert.Equal("/news/2017/07/30/russian-president-vladimir-putin-expels-755-u-s-diplomats-in-response-to-new-sanctions-imposed-by-the-united-states.md",
            item.GetProperty("path").GetString());

        var first = await _http.GetFromJsonAsync<JsonElement>($"{location}/revisions/1");
        Assert.Equal(FirstHeadline, first.GetProperty("headline").GetString());
        Assert.Equal(1, first.GetProperty("revision").GetInt64());

        var history = await _http.GetFromJsonAsync<JsonElement[]>($"{location}/revisions");
        Assert.Equal([1L, 2L, 3L], history!.Select(h => h.GetProperty("revision").GetInt64()));
        Assert.Equal([FirstHeadline, SecondHeadline, ThirdHeadline], history!.Select(h => h.GetProperty("headline").GetString()));
    }

    [Fact]
    public async Task a_stale_if_match_gets_409_and_appends_nothing()
    {
        var (location, _) = await CreateAsync();
        Assert.Equal(HttpStatusCode.OK, (await ReviseAsync(location, SecondHeadline, "\"1\"")).StatusCode);
        var before = await EventCountAsync();

        var stale = await ReviseAsync(location, ThirdHeadline, "\"1\"");

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType!.MediaType);
        var problem = await stale.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, problem.GetProperty("currentRevision").GetInt64());
        Assert.Equal(before, await EventCountAsync());
    }

    [Fact]
    public async Task an_empty_headline_gets_400_problem_details_naming_the_field_and_leaves_no_trace()
    {
        var (location, _) = await CreateAsync();
        var before = await EventCountAsync();

        var response = await ReviseAsync(location, "", "\"1\"");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty("headline", out _));
        Assert.Equal(before, await EventCountAsync());
    }

    [Fact]
    public async Task a_create_with_a_bad_date_names_the_date_field()
    {
        var response = await _http.PostAsJsonAsync("/api/items", new { date = "2017-13-45", headline = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("date", out _));
    }

    [Fact]
    public async Task an_unknown_item_is_a_404_problem()
    {
        var response = await _http.GetAsync($"/api/items/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task an_item_is_found_by_any_path_it_ever_had()
    {
        var (location, _) = await CreateAsync();
        var oldPath = (await _http.GetFromJsonAsync<JsonElement>(location)).GetProperty("path").GetString();
        await ReviseAsync(location, SecondHeadline + "(found by path)", "\"1\"");

        var found = await _http.GetAsync($"/api/items?path={Uri.EscapeDataString(oldPath!)}");
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(location, found.RequestMessage!.RequestUri!.AbsolutePath);
    }
}
