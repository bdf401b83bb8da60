using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;

namespace EventHistory.Api.Tests;

/// The audit feed. It reads only below the oldest running transaction, so an edit shows once
/// every transaction older than it has ended: the tests wait for that, briefly.
public sealed class ChangesApiTests(ChangesApiTests.Edited edited) : IClassFixture<ChangesApiTests.Edited>
{
    public sealed class Edited : IAsyncLifetime
    {
        public ApiServer Server { get; } = new();
        public string First { get; private set; } = "";
        public string Second { get; private set; } = "";

        public async Task InitializeAsync()
        {
            await Server.InitializeAsync();
            First = await CreateAsync(Server.Client, "Audited one ");
            var revise = new HttpRequestMessage(HttpMethod.Post, $"{First}/headline") { Content = JsonContent.Create(new { headline = "Audited one, revised ", reason = "typo" }) };
            revise.Headers.Add("X-Correlation-Id", "corr-42");
            Assert.Equal(HttpStatusCode.OK, (await Server.Client.SendAsync(revise)).StatusCode);
            Second = await CreateAsync(Server.Admin, "Audited two ");
            Assert.Equal(HttpStatusCode.OK, (await Server.Admin.PostAsJsonAsync($"{Second}/retract", new { reason = "duplicate" })).StatusCode);
        }

        private static async Task<string> CreateAsync(HttpClient client, string headline)
        {
            var response = await client.PostAsJsonAsync("/api/items", new { date = "2020-01-02", headline });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return response.Headers.Location!.ToString();
        }

        public Task DisposeAsync() => Server.DisposeAsync();
    }

    private readonly HttpClient _http = edited.Server.Reader;

    private async Task<JsonElement> PageAsync(string query, int expected)
    {
        for (var attempt = 0; ; attempt++)
        {
            var page = await _http.GetFromJsonAsync<JsonElement>($"/api/changes?{query}");
            if (page.GetProperty("entries").GetArrayLength() >= expected || attempt == 100) return page;
            await Task.Delay(100);
        }
    }

    private static string[] Types(JsonElement page) =>
        page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("eventType").GetString()!).ToArray();

    [Fact]
    public async Task the_feed_lists_every_edit_in_order_with_who_when_why_and_correlation()
    {
        var page = await PageAsync("", 4);
        Assert.Equal(["news_item_created", "headline_revised", "news_item_created", "news_item_retracted"], Types(page));
        var revised = page.GetProperty("entries")[1];
        Assert.Equal("test-editor", revised.GetProperty("editor").GetString());
        Assert.Equal("typo", revised.GetProperty("reason").GetString());
        Assert.Equal("corr-42", revised.GetProperty("correlationId").GetString());
        Assert.Equal("Audited one, revised ", revised.GetProperty("headline").GetString());
        Assert.Equal(2, revised.GetProperty("revision").GetInt32());
        Assert.Equal(edited.First, $"/api/items/{revised.GetProperty("itemId").GetGuid()}");
        Assert.True(revised.TryGetProperty("editedAt", out _) && revised.TryGetProperty("recordedAt", out _));
        Assert.False(page.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task paging_by_cursor_visits_each_change_once()
    {
        await PageAsync("", 4);
        var seen = new List<string>();
        var cursor = "";
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await _http.GetFromJsonAsync<JsonElement>($"/api/changes?limit=3&after={cursor}");
            seen.AddRange(Types(page));
            cursor = page.GetProperty("next").GetString()!;
            if (!page.GetProperty("hasMore").GetBoolean()) break;
        }
        Assert.Equal(["news_item_created", "headline_revised", "news_item_created", "news_item_retracted"], seen);
        var last = await _http.GetFromJsonAsync<JsonElement>($"/api/changes?after={cursor}");
        Assert.Equal(0, last.GetProperty("entries").GetArrayLength());
        Assert.Equal(cursor, last.GetProperty("next").GetString());
    }

    [Fact]
    public async Task the_feed_filters_by_editor_type_time_and_item()
    {
        await PageAsync("", 4);
        Assert.Equal(["news_item_created", "news_item_retracted"], Types(await PageAsync("editor=test-admin", 2)));
        Assert.Equal(["headline_revised"], Types(await PageAsync("type=headline_revised", 1)));
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"));
        Assert.Empty(Types(await _http.GetFromJsonAsync<JsonElement>($"/api/changes?since={future}")));
        Assert.Equal(4, Types(await PageAsync($"until={future}&since=2020-01-01", 4)).Length);
        var perItem = await _http.GetFromJsonAsync<JsonElement>($"{edited.First}/changes");
        Assert.Equal(["news_item_created", "headline_revised"], Types(perItem));
    }

    [Theory]
    [InlineData("after=nonsense", "after")]
    [InlineData("since=last-week", "since")]
    [InlineData("type=headline_eaten", "type")]
    [InlineData("limit=0", "limit")]
    public async Task bad_filters_get_400_naming_the_parameter(string query, string field)
    {
        var response = await _http.GetAsync($"/api/changes?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task the_atom_feed_is_valid_xml_with_the_newest_change_first()
    {
        await PageAsync("", 4);
        var response = await _http.GetAsync("/api/changes.atom");
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType!.MediaType);
        var feed = XDocument.Parse(await response.Content.ReadAsStringAsync());
        XNamespace atom = "http://www.w3.org/2005/Atom";
        Assert.Equal(atom + "feed", feed.Root!.Name);
        var entries = feed.Root.Elements(atom + "entry").ToList();
        Assert.Equal(4, entries.Count);
        Assert.Contains("news item retracted", entries[0].Element(atom + "title")!.Value);
        Assert.Equal("test-admin", entries[0].Element(atom + "author")!.Element(atom + "name")!.Value);
        Assert.Contains("why: duplicate", entries[0].Element(atom + "summary")!.Value);
        Assert.All(entries, e => Assert.StartsWith("urn:uuid:", e.Element(atom + "id")!.Value));
    }
}
