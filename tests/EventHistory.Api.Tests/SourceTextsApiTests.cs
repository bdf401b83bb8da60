using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EventHistory.Testing;

namespace EventHistory.Api.Tests;

public sealed class SourceTextsApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    private readonly HttpClient _http = server.Client;
    private const string HaaretzUrl = "http://www.haaretz.com/us-news/1.762145";
    private static readonly byte[] Article = File.ReadAllBytes(Corpus.PathOf("articles/haaretz.com_us-news_1.762145.txt"));
    private static string ArticleText => Encoding.UTF8.GetString(Article);
    private const int ArticleTextMaxBytes = EventHistory.Articles.ArticleText.MaxBytes;

    private async Task<string> CreateItemAsync()
    {
        var response = await _http.PostAsJsonAsync("/api/items", new
        {
            date = "2016-12-29",
            headline = "The United States expels 35 Russian diplomats in response to cyberattacks. ",
            summary = "",
            sources = new[] { new { name = "Haaretz", url = HaaretzUrl }, new { name = "Reuters", url = "http://www.reuters.com/article/us-usa-russia-sanctions" } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    private Task<HttpResponseMessage> PutAsync(string item, string source, byte[] text, string contentType = "text/plain; charset=utf-8",
        string query = "", HttpClient? client = null)
    {
        var content = new ByteArrayContent(text);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        // Expect: 100-continue: a body the server refuses unread (413) is then never sent, so the
        // client cannot be cut off mid-send (a broken pipe on a busy machine).
        var request = new HttpRequestMessage(HttpMethod.Put, $"{item}/sources/{source}/text{query}") { Content = content };
        request.Headers.ExpectContinue = true;
        return (client ?? _http).SendAsync(request);
    }

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private async Task<long> EventCountAsync() => await server.Db.ScalarAsync("select count(*) from mt_events");

    [Fact]
    public async Task capture_recapture_edit_and_whitespace_change_then_export_the_first_version_byte_identical()
    {
        var item = await CreateItemAsync();

        var first = await PutAsync(item, "1", Article);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var v1 = (await JsonOf(first)).GetProperty("text");
        Assert.Equal(1, v1.GetProperty("version").GetInt32());
        Assert.Equal(2, v1.GetProperty("revision").GetInt64());
        Assert.Equal("2016-12-29", v1.GetProperty("articleDate").GetString());
        Assert.False(v1.GetProperty("trivial").GetBoolean());
        Assert.Equal("test-editor", v1.GetProperty("editor").GetString());
        Assert.Equal("\"2\"", first.Headers.ETag!.Tag);
        Assert.EndsWith("/texts/1", first.Headers.Location!.ToString());

        var events = await EventCountAsync();
        var again = await PutAsync(item, Uri.EscapeDataString(HaaretzUrl), Article);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var unchanged = await JsonOf(again);
        Assert.False(unchanged.GetProperty("created").GetBoolean());
        Assert.Equal(1, unchanged.GetProperty("text").GetProperty("version").GetInt32());
        Assert.Equal(events, await EventCountAsync());

        var edited = Encoding.UTF8.GetBytes(ArticleText.Replace("closed two Russian compounds", "shut two Russian compounds"));
        var second = await PutAsync(item, "1", edited, query: "?at=2016-12-30T08:00:00Z&reason=Haaretz%20rewrote%20it");
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var v2 = (await JsonOf(second)).GetProperty("text");
        Assert.Equal((2, false), (v2.GetProperty("version").GetInt32(), v2.GetProperty("trivial").GetBoolean()));
        Assert.Equal(new DateTimeOffset(2016, 12, 30, 8, 0, 0, TimeSpan.Zero), v2.GetProperty("capturedAt").GetDateTimeOffset());

        var diff = await _http.GetFromJsonAsync<JsonElement>($"{item}/sources/1/texts/diff?from=1&to=2");
        var changes = diff.GetProperty("segments").EnumerateArray()
            .Where(s => s.GetProperty("kind").GetString() != "Equal")
            .Select(s => (s.GetProperty("kind").GetString(), s.GetProperty("text").GetString())).ToList();
        Assert.Equal([("Delete", "closed"), ("Insert", "shut")], changes);
        Assert.Equal((1, 1), (diff.GetProperty("wordsDeleted").GetInt32(), diff.GetProperty("wordsInserted").GetInt32()));
        Assert.False(diff.GetProperty("trivial").GetBoolean());
        var segments = diff.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(ArticleText, string.Concat(segments.Where(s => s.GetProperty("kind").GetString() != "Insert").Select(s => s.GetProperty("text").GetString())));

        var crlf = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(edited).Replace("\n", "\r\n"));
        var third = await PutAsync(item, "1", crlf);
        Assert.Equal(HttpStatusCode.Created, third.StatusCode);
        Assert.True((await JsonOf(third)).GetProperty("text").GetProperty("trivial").GetBoolean());

        var all = await _http.GetFromJsonAsync<JsonElement>($"{item}/sources/1/texts");
        Assert.Equal([1, 2, 3], all.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal("Haaretz", all.GetProperty("source").GetProperty("name").GetString());
        var shown = await _http.GetFromJsonAsync<JsonElement>($"{item}/sources/1/texts?includeTrivial=false");
        Assert.Equal([1, 2], shown.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));

        var export = await _http.GetAsync($"{item}/sources/{Uri.EscapeDataString(HaaretzUrl)}/texts/1");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", export.Content.Headers.ContentType!.ToString());
        Assert.Equal(Article, await export.Content.ReadAsByteArrayAsync());
        Assert.Equal(crlf, await _http.GetByteArrayAsync($"{item}/sources/1/texts/3"));

        var current = await _http.GetAsync(item);
        Assert.Equal("\"4\"", current.Headers.ETag!.Tag);
        Assert.Equal(2, (await JsonOf(current)).GetProperty("sources").GetArrayLength());
    }

    [Fact]
    public async Task a_text_larger_than_the_json_body_limit_but_within_2_mb_is_kept_byte_for_byte()
    {
        // The service's body limit (1 MiB by default) is for JSON requests; a source text may have 2 MB.
        var item = await CreateItemAsync();
        var large = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("A paragraph of the article, as long as the real ones are.\n", 25_000)));
        Assert.InRange(large.Length, (1 << 20) + 1, ArticleTextMaxBytes);
        foreach (var chunked in new[] { false, true })
        {
            var text = chunked ? [.. large, .. "\nA later paragraph.\n"u8.ToArray()] : large;
            var request = new HttpRequestMessage(HttpMethod.Put, $"{item}/sources/1/text")
            { Content = chunked ? new StreamContent(new MemoryStream(text)) : new ByteArrayContent(text) };
            request.Content.Headers.ContentType = new("text/plain") { CharSet = "utf-8" };
            if (chunked) request.Headers.TransferEncodingChunked = true;
            var response = await _http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(chunked ? "chunked" : "sized")}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(text, await _http.GetByteArrayAsync(response.Headers.Location));
        }
    }

    [Fact]
    public async Task bad_texts_get_a_problem_naming_the_text_and_write_nothing()
    {
        var item = await CreateItemAsync();
        var events = await EventCountAsync();
        var cases = new (byte[] Text, HttpStatusCode Status, string Says)[]
        {
            ([], HttpStatusCode.BadRequest, "must not be empty"),
            (Encoding.UTF8.GetBytes(" \n\n "), HttpStatusCode.BadRequest, "must not be blank"),
            ([.. Article.Take(100), 0x00, .. Article.Skip(100)], HttpStatusCode.BadRequest, "NUL byte at byte 100"),
            ([.. Article.Take(100), 0xC3, 0x28, .. Article.Skip(100)], HttpStatusCode.BadRequest, "not valid UTF-8 at byte 100"),
            (Encoding.UTF8.GetBytes(" date 2016-12-32 The United States"), HttpStatusCode.BadRequest, "YYYY-MM-DD"),
            (Enumerable.Repeat((byte)'a', 2 * 1024 * 1024 + 1).ToArray(), HttpStatusCode.RequestEntityTooLarge, "2 MB"),
        };
        foreach (var (text, status, says) in cases)
        {
            var response = await PutAsync(item, "1", text);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            var problem = await JsonOf(response);
            Assert.Contains(says, problem.GetProperty("errors").GetProperty("text")[0].GetString());
        }
        Assert.Equal(events, await EventCountAsync());
        Assert.Equal(0L, await server.Db.ScalarAsync($"select count(*) from eh_source_texts where item_id = '{item.Split('/')[^1]}'"));
    }

    [Fact]
    public async Task a_source_the_item_lacks_a_wrong_content_type_or_a_reader_key_write_nothing()
    {
        var item = await CreateItemAsync();
        var events = await EventCountAsync();

        var third = await PutAsync(item, "3", Article);
        Assert.Equal(HttpStatusCode.NotFound, third.StatusCode);
        Assert.Contains("Source 3", (await JsonOf(third)).GetProperty("detail").GetString());
        var unknown = await PutAsync(item, Uri.EscapeDataString("http://example.org/elsewhere"), Article);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("http://example.org/elsewhere", (await JsonOf(unknown)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await PutAsync($"/api/items/{Guid.NewGuid()}", "1", Article)).StatusCode);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PutAsync(item, "1", Article, "application/json")).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PutAsync(item, "1", Article, "text/plain; charset=iso-8859-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync(item, "1", Article, client: server.Reader)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PutAsync(item, "1", Article, client: server.Anonymous)).StatusCode);
        foreach (var at in new[] { "yesterday", "2999-01-01T00:00:00Z" })
        {
            var badTime = await PutAsync(item, "1", Article, query: "?at=" + at);
            Assert.Equal(HttpStatusCode.BadRequest, badTime.StatusCode);
            Assert.True((await JsonOf(badTime)).GetProperty("errors").TryGetProperty("at", out _));
        }
        var stale = new HttpRequestMessage(HttpMethod.Put, $"{item}/sources/1/text") { Content = new ByteArrayContent(Article) };
        stale.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain; charset=utf-8");
        stale.Headers.TryAddWithoutValidation("If-Match", "\"7\"");
        var conflict = await _http.SendAsync(stale);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(1, (await JsonOf(conflict)).GetProperty("currentRevision").GetInt64());

        Assert.Equal(events, await EventCountAsync());
    }

    [Fact]
    public async Task reading_a_version_or_a_diff_that_does_not_exist_is_a_clear_error()
    {
        var item = await CreateItemAsync();
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(item, "2", Encoding.UTF8.GetBytes("No date line here.\n"))).StatusCode);

        var listing = await _http.GetFromJsonAsync<JsonElement>($"{item}/sources/2/texts");
        Assert.Equal(JsonValueKind.Null, listing.GetProperty("versions")[0].GetProperty("articleDate").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{item}/sources/2/texts/2")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{item}/sources/1/texts/1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{item}/sources/2/texts/diff?from=1&to=2")).StatusCode);
        var missing = await _http.GetAsync($"{item}/sources/2/texts/diff?from=1");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await JsonOf(missing)).GetProperty("errors").TryGetProperty("to", out _));
    }
}
