using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventHistory.Api.Tests;

/// Time travel over the real item of 2017-07-30, seeded with the times on its page.
public sealed class ExampleItemTests(ExampleItemTests.Seeded seeded) : IClassFixture<ExampleItemTests.Seeded>
{
    public sealed class Seeded : IAsyncLifetime
    {
        public ApiServer Server { get; } = new();
        public Guid Id { get; private set; }
        public const string RenamedConsulate = "The U.S. State Department orders Russia to close its San Francisco consulate. ";

        public async Task InitializeAsync()
        {
            await Server.InitializeAsync();
            Id = await ExampleItem.SeedAsync(Server.Db);
            await ExampleItem.SeedConsulateAsync(Server.Db, ExampleItem.At("2017-09-01T10:00:00Z"), ExampleItem.At("2018-01-01T00:00:00Z"), RenamedConsulate);
        }

        public Task DisposeAsync() => Server.DisposeAsync();
    }

    private readonly HttpClient _http = seeded.Server.Reader;
    private string Item => $"/api/items/{seeded.Id}";

    private HttpClient NoRedirects()
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = _http.DefaultRequestHeaders.Authorization;
        return client;
    }

    [Fact]
    public async Task revision_two_has_the_russia_united_states_relations_headline()
    {
        var second = await _http.GetFromJsonAsync<JsonElement>($"{Item}/revisions/2");
        Assert.Equal(ExampleItem.SecondHeadline, second.GetProperty("headline").GetString());
    }

    [Fact]
    public async Task the_timegate_for_2017_08_10_redirects_to_revision_one()
    {
        using var client = NoRedirects();
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Item}/timegate");
        request.Headers.TryAddWithoutValidation("Accept-Datetime", "Thu, 10 Aug 2017 00:00:00 GMT");
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.EndsWith($"{Item}/revisions/1", response.Headers.Location!.ToString());
        Assert.Contains("accept-datetime", response.Headers.Vary);
        var link = string.Join(", ", response.Headers.GetValues("Link"));
        Assert.Contains($"{Item}>; rel=\"original\"", link);
        Assert.Contains($"{Item}/timemap>; rel=\"timemap\"", link);
    }

    [Fact]
    public async Task the_timegate_answers_later_dates_with_later_revisions_and_no_date_with_the_current_one()
    {
        using var client = NoRedirects();
        async Task<string> Gate(string? date)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"{Item}/timegate");
            if (date is not null) request.Headers.TryAddWithoutValidation("Accept-Datetime", date);
            return (await client.SendAsync(request)).Headers.Location!.ToString();
        }
        Assert.EndsWith("/revisions/2", await Gate("Fri, 01 Sep 2017 00:00:00 GMT"));
        Assert.EndsWith("/revisions/1", await Gate("Sat, 01 Jul 2017 00:00:00 GMT"));
        Assert.EndsWith("/revisions/3", await Gate(null));
    }

    [Fact]
    public async Task a_malformed_accept_datetime_gets_400_naming_the_header()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Item}/timegate");
        request.Headers.TryAddWithoutValidation("Accept-Datetime", "2017-08-10");
        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("accept-datetime", out _), problem.ToString());
    }

    [Fact]
    public async Task the_diff_from_one_to_three_shows_united_states_replaced_by_us()
    {
        var diff = await _http.GetFromJsonAsync<JsonElement>($"{Item}/diff?from=1&to=3");

        Assert.Equal(["headline", "path"], diff.GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        var segments = diff.GetProperty("headline").GetProperty("segments").EnumerateArray()
            .Select(s => (s.GetProperty("kind").GetString(), s.GetProperty("text").GetString())).ToList();
        Assert.Equal([("Delete", "United States"), ("Insert", "U.S.")], segments.Where(s => s.Item1 != "Equal"));
        Assert.Equal(JsonValueKind.Null, diff.GetProperty("summary").ValueKind);
    }

    [Fact]
    public async Task the_timemap_lists_every_revision_with_its_edit_time()
    {
        var response = await _http.GetAsync($"{Item}/timemap");
        Assert.Equal("application/link-format", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains($"{Item}/revisions/1>; rel=\"first memento\"; datetime=\"Wed, 02 Aug 2017 07:30:05 GMT\"", body);
        Assert.Contains($"{Item}/revisions/2>; rel=\"memento\"; datetime=\"Sun, 27 Aug 2017 03:48:44 GMT\"", body);
        Assert.Contains($"{Item}/revisions/3>; rel=\"last memento\"; datetime=\"Tue, 06 Feb 2018 13:49:31 GMT\"", body);
        Assert.Contains($"{Item}/timegate>; rel=\"timegate\"", body);
        Assert.Contains("rel=\"self\"; type=\"application/link-format\"", body);
    }

    [Fact]
    public async Task a_revision_carries_memento_datetime_and_links_to_the_neighbours_that_never_change()
    {
        var response = await _http.GetAsync($"{Item}/revisions/2");
        Assert.Equal("Sun, 27 Aug 2017 03:48:44 GMT", response.Headers.GetValues("Memento-Datetime").Single());
        var link = string.Join(", ", response.Headers.GetValues("Link"));
        foreach (var expected in new[]
                 {
                     $"{Item}>; rel=\"original\"", $"{Item}/timegate>; rel=\"timegate\"", $"{Item}/timemap>; rel=\"timemap\"",
                     $"{Item}/revisions/1>; rel=\"first memento\"", $"{Item}/revisions/1>; rel=\"prev memento\"",
                 })
            Assert.Contains(expected, link);
        // A revision is cached for a year (CachingTests): the last and the next memento change as
        // revisions are added, so only the timemap names them.
        Assert.DoesNotContain("last memento", link);
        Assert.DoesNotContain("next memento", link);
    }

    [Fact]
    public async Task the_item_itself_names_its_timegate_and_timemap()
    {
        var link = string.Join(", ", (await _http.GetAsync(Item)).Headers.GetValues("Link"));
        Assert.Contains($"{Item}/timegate>; rel=\"timegate\"", link);
        Assert.Contains($"{Item}/timemap>; rel=\"timemap\"", link);
    }

    [Fact]
    public async Task as_of_a_time_on_the_edit_clock_gives_the_revision_then_current()
    {
        var early = await _http.GetFromJsonAsync<JsonElement>($"{Item}?asOf=2017-08-10");
        var later = await _http.GetFromJsonAsync<JsonElement>($"{Item}?asOf=2017-12-01T00:00:00Z");
        var now = await _http.GetFromJsonAsync<JsonElement>($"{Item}?asOf=2030-01-01T00:00:00%2B02:00");

        Assert.Equal((1, ExampleItem.FirstHeadline), (early.GetProperty("revision").GetInt32(), early.GetProperty("headline").GetString()));
        Assert.Equal(2, later.GetProperty("revision").GetInt32());
        Assert.Equal(3, now.GetProperty("revision").GetInt32());
        Assert.Equal(404, (int)(await _http.GetAsync($"{Item}?asOf=2017-08-01")).StatusCode);
    }

    [Fact]
    public async Task as_of_a_time_on_the_store_clock_follows_when_the_store_recorded_it()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Item}?recordedAsOf=2017-08-10")).StatusCode);
        var now = await _http.GetFromJsonAsync<JsonElement>($"{Item}?recordedAsOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}");
        Assert.Equal(3, now.GetProperty("revision").GetInt32());
    }

    [Fact]
    public async Task related_items_show_their_headlines_as_of_the_same_time()
    {
        string ConsulateAt(JsonElement item) => item.GetProperty("related").EnumerateArray()
            .Single(r => r.GetProperty("path").GetString() == ExampleItem.ConsulatePath).GetProperty("headline").GetString()!;

        var beforeItExisted = await _http.GetFromJsonAsync<JsonElement>($"{Item}?asOf=2017-08-10");
        var whileOriginal = await _http.GetFromJsonAsync<JsonElement>($"{Item}?asOf=2017-12-01");
        var afterRename = await _http.GetFromJsonAsync<JsonElement>($"{Item}?asOf=2018-03-01");

        Assert.Equal(ExampleItem.ConsulateHeadline, ConsulateAt(beforeItExisted));
        Assert.Equal(ExampleItem.ConsulateHeadline, ConsulateAt(whileOriginal));
        Assert.Equal(Seeded.RenamedConsulate, ConsulateAt(afterRename));
        var senate = afterRename.GetProperty("related").EnumerateArray().Single(r => r.GetProperty("path").GetString() == ExampleItem.SenatePath);
        Assert.StartsWith("The United States Senate passed", senate.GetProperty("headline").GetString());
    }

    [Theory]
    [InlineData("asOf=yesterday", "asOf")]
    [InlineData("recordedAsOf=2017-13-01", "recordedAsOf")]
    [InlineData("asOf=2017-08-10&recordedAsOf=2017-08-10", "asOf")]
    public async Task a_bad_time_gets_400_naming_the_parameter(string query, string field)
    {
        var response = await _http.GetAsync($"{Item}?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task history_names_first_version_updates_and_the_current_one_with_both_times()
    {
        var history = await _http.GetFromJsonAsync<JsonElement[]>($"{Item}/revisions");
        Assert.Equal(["First version", "Update", "Update"], history!.Select(h => h.GetProperty("kind").GetString()));
        Assert.Equal([false, false, true], history!.Select(h => h.GetProperty("current").GetBoolean()));
        Assert.Equal(ExampleItem.Updated, history![1].GetProperty("editedAt").GetDateTimeOffset());
        Assert.True(history![1].GetProperty("recordedAt").GetDateTimeOffset() > ExampleItem.Current);
    }

    [Fact]
    public async Task a_diff_of_an_unknown_revision_is_404_and_a_bad_number_400()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Item}/diff?from=1&to=9")).StatusCode);
        var bad = await _http.GetAsync($"{Item}/diff?from=x&to=2");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("from", out _));
    }
}
