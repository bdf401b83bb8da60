using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventHistory.Testing;

namespace EventHistory.Api.Tests;

public sealed class PagesApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    private const string Diplomats35 = "/news/2016/12/29/the-united-states-expels-35-russian-diplomats-over-the-alleged-russian-interference-during-the-u-s-s-2016-presidential-election.md";
    private const string Diplomats755 = "/news/2017/07/30/russian-president-vladimir-putin-expels-755-u-s-diplomats-in-response-to-new-sanctions-imposed-by-the-united-states.md";
    private const string KonstanzNow = "/news/2017/07/30/a-man-shoots-several-people-in-a-nightclub-in-konstanz-germany-killing-one-the-gunman-was-shot-and-killed-by-police.md";
    private const string KonstanzOld = "/news/2017/07/30/konstanz-shooting-a-man-shoots-several-people-in-a-nightclub-in-konstanz-germany-killing-one-the-gunman-was-shot-and-killed-by-police.md";
    private const string Day = "/news/2017/07/30/index.md";

    private static string Text(string path) => File.ReadAllText(Corpus.PathOf("en" + path));

    private Task<HttpResponseMessage> PostPageAsync(string path, string? text = null, HttpClient? client = null) =>
        (client ?? server.Client).PostAsJsonAsync("/api/pages", new { path, text = text ?? Text(path) });

    [Fact]
    public async Task the_two_example_pages_read_back_with_one_and_three_revisions()
    {
        foreach (var (path, revisions) in new[] { (Diplomats35, 1), (Diplomats755, 3) })
        {
            var response = await PostPageAsync(path);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var location = response.Headers.Location!.ToString();

            var history = await server.Client.GetFromJsonAsync<JsonElement[]>($"{location}/revisions");
            Assert.Equal(revisions, history!.Length);
            Assert.True(history[^1].GetProperty("current").GetBoolean());
            Assert.Single(history, h => h.GetProperty("current").GetBoolean());
            var item = await server.Client.GetFromJsonAsync<JsonElement>(location);
            Assert.Equal(path, item.GetProperty("path").GetString());
        }
        var first = await server.Client.GetFromJsonAsync<JsonElement>(
            $"/api/items?path={Uri.EscapeDataString("/news/2017/07/30/russian-president-vladimir-putin-expels-755-united-states-diplomats-in-response-to-new-sanctions-imposed-by-the-united-states.md")}");
        Assert.Equal("Russian President Vladimir Putin expels 755 United States diplomats in response to new sanctions imposed by the United States. ",
            (await server.Client.GetFromJsonAsync<JsonElement>($"/api/items/{first.GetProperty("id").GetString()}/revisions/1")).GetProperty("headline").GetString());
    }

    [Fact]
    public async Task an_item_page_is_served_as_exported_and_an_old_path_answers_301()
    {
        Assert.True((await PostPageAsync(KonstanzNow)).IsSuccessStatusCode);
        Assert.True((await PostPageAsync(KonstanzOld)).IsSuccessStatusCode);

        var page = await server.Anonymous.GetAsync(KonstanzNow);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/markdown", page.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Text(KonstanzNow), await page.Content.ReadAsStringAsync());

        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Anonymous.BaseAddress };
        var old = await noRedirect.GetAsync(KonstanzOld);
        Assert.Equal(HttpStatusCode.MovedPermanently, old.StatusCode);
        Assert.Equal(KonstanzNow, old.Headers.Location!.ToString());
    }

    [Fact]
    public async Task a_day_page_is_served_as_imported()
    {
        Assert.Equal(HttpStatusCode.OK, (await PostPageAsync(Day)).StatusCode);
        var page = await server.Anonymous.GetAsync(Day);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(Text(Day), await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await server.Anonymous.GetAsync("/news/2017/07/29/index.md")).StatusCode);
    }

    [Fact]
    public async Task a_malformed_page_gets_400_naming_the_text_and_its_line_and_writes_nothing()
    {
        var before = await server.Db.ScalarAsync("select count(*) from mt_events");
        var text = Text(Diplomats35).Replace("### Related:", "### Relatives:");

        var response = await PostPageAsync(Diplomats35, text);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var message = problem.GetProperty("errors").GetProperty("text")[0].GetString();
        Assert.StartsWith("line 13:", message);
        Assert.Equal(before, await server.Db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task a_path_relative_to_the_corpus_is_taken_from_its_news_folder()
    {
        var response = await server.Client.PostAsJsonAsync("/api/pages", new { path = "zh/news/2019/03/19/index.md", text = File.ReadAllText(Corpus.PathOf("zh/news/2019/03/19/index.md")) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/zh/news/2019/03/19/index.md", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("path").GetString());
        Assert.Equal(File.ReadAllText(Corpus.PathOf("zh/news/2019/03/19/index.md")), await server.Anonymous.GetStringAsync("/zh/news/2019/03/19/index.md"));
    }

    [Fact]
    public async Task importing_a_page_needs_an_editor_key()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostPageAsync(Diplomats35, client: server.Anonymous)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostPageAsync(Diplomats35, client: server.Reader)).StatusCode);
    }
}
