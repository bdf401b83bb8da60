using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventHistory.Pages;
using EventHistory.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Api.Tests;

/// What never changes is cacheable for a year; current views are revalidated with If-None-Match.
/// Seen as a CDN in front of the service would see it: headers, 304s, and what changes after an edit.
public sealed class CachingTests(ApiServer server) : IClassFixture<ApiServer>
{
    public const string Immutable = "public, max-age=31536000, immutable";
    public const string Revalidated = "public, no-cache";
    private readonly HttpClient _http = server.Client;

    private async Task<string> CreateAsync(string headline = "Sanchi sinks after a week ablaze ", string date = "2018-01-14")
    {
        var created = await _http.PostAsJsonAsync("/api/items", new
        {
            date, headline, summary = "The Iranian tanker burned for a week in the East China Sea.",
            sources = new[] { new { name = "Reuters", url = "http://www.reuters.com/article/us-china-shipping-iran" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return created.Headers.Location!.ToString();
    }

    private async Task ReviseAsync(string item, string headline) =>
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsJsonAsync($"{item}/headline", new { headline, reason = "house style" })).StatusCode);

    /// A GET as a cache revalidating its copy sends it.
    private Task<HttpResponseMessage> GetAsync(string path, string? ifNoneMatch = null, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return (client ?? _http).SendAsync(request);
    }

    /// As sent: HttpClient's parsed CacheControlHeaderValue would put the directives in an order of its own.
    public static string CacheControl(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("Cache-Control", out var values) ? string.Join(", ", values) : "";

    private static string StrongETag(HttpResponseMessage response)
    {
        var tag = response.Headers.ETag;
        Assert.NotNull(tag);
        Assert.False(tag.IsWeak, $"{response.RequestMessage!.RequestUri} has a weak ETag {tag}");
        return tag.Tag;
    }

    /// 200 with the given Cache-Control and a strong ETag; a repeat with that ETag is a 304 without a body.
    private static async Task<(string ETag, byte[] Body)> AssertCachedAsync(Func<string?, Task<HttpResponseMessage>> get, string cacheControl)
    {
        using var first = await get(null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(cacheControl, CacheControl(first));
        var etag = StrongETag(first);
        var body = await first.Content.ReadAsByteArrayAsync();

        using var again = await get(etag);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, again.Headers.ETag?.Tag);
        Assert.Equal(cacheControl, CacheControl(again));
        return (etag, body);
    }

    [Fact]
    public async Task a_revision_permalink_is_immutable_with_a_strong_etag_and_a_repeat_with_if_none_match_is_a_304_without_body()
    {
        var item = await CreateAsync();
        var (etag, body) = await AssertCachedAsync(tag => GetAsync($"{item}/revisions/1", tag), Immutable);
        Assert.Equal("\"1\"", etag);
        Assert.Equal(1, JsonDocument.Parse(body).RootElement.GetProperty("revision").GetInt64());

        // If-None-Match compares weakly, takes a list, and * matches any representation (RFC 9110 13.1.2).
        foreach (var matching in new[] { "W/\"1\"", "\"7\", \"1\"", "*" })
            Assert.Equal(HttpStatusCode.NotModified, (await GetAsync($"{item}/revisions/1", matching)).StatusCode);
        foreach (var other in new[] { "\"2\"", "W/\"2\"", "not an etag" })
            Assert.Equal(HttpStatusCode.OK, (await GetAsync($"{item}/revisions/1", other)).StatusCode);
    }

    [Fact]
    public async Task after_a_later_edit_the_old_revision_is_unchanged_while_every_current_view_has_a_new_etag()
    {
        var item = await CreateAsync(date: "2018-01-15");
        var id = item.Split('/')[^1];
        var path = (await _http.GetFromJsonAsync<JsonElement>(item)).GetProperty("path").GetString()!;
        var currentViews = new[]
        {
            item, $"{item}/revisions", $"{item}/timemap", $"{item}/changes", $"{item}/diff?from=1", $"{item}/diff?from=1&to=current",
            "/api/days/2018-01-15", "/api/changes?type=headline_revised&limit=500", "/api/changes.atom", path,
        };
        var before = new Dictionary<string, string>();
        foreach (var view in currentViews) before[view] = (await AssertCachedAsync(tag => GetAsync(view, tag), Revalidated)).ETag;
        Assert.Equal("\"1\"", before[item]);
        var (revisionTag, revisionBody) = await AssertCachedAsync(tag => GetAsync($"{item}/revisions/1", tag), Immutable);
        var (pageTag, pageBody) = await AssertCachedAsync(tag => GetAsync($"{item}/revisions/1/page", tag), Immutable);

        await ReviseAsync(item, "The tanker Sanchi sinks after a week ablaze ");

        // The old revision and its page: the same ETag, the same bytes, and a cache's copy is still good.
        using (var old = await GetAsync($"{item}/revisions/1"))
        {
            Assert.Equal(revisionTag, StrongETag(old));
            Assert.Equal(revisionBody, await old.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync($"{item}/revisions/1", revisionTag)).StatusCode);
        using (var oldPage = await GetAsync($"{item}/revisions/1/page"))
        {
            Assert.Equal(pageTag, StrongETag(oldPage));
            Assert.Equal(pageBody, await oldPage.Content.ReadAsByteArrayAsync());
        }

        // Every current view has moved on: its old ETag now gets the new answer.
        foreach (var view in currentViews.Where(v => v != path))
        {
            using var response = await GetAsync(view, before[view]);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{view} answered {(int)response.StatusCode} to its old ETag after an edit");
            Assert.NotEqual(before[view], StrongETag(response));
            Assert.Equal(Revalidated, CacheControl(response));
        }
        Assert.Equal("\"2\"", (await GetAsync(item)).Headers.ETag!.Tag);
        // The old path's page moved with the headline: a redirect that caches must check again (a later edit may move it back).
        using (var moved = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _http.BaseAddress }
                   .SendAsync(new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "If-None-Match", before[path] } } }))
        {
            Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
            Assert.Equal("no-cache", CacheControl(moved));
        }

        // A retraction is a revision too: the current views change again, the page is gone, revision 1 stays.
        var retracted = await server.Admin.PostAsJsonAsync($"{item}/retract", new { reason = "a duplicate" });
        Assert.Equal(HttpStatusCode.OK, retracted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(item, "\"2\"")).StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync($"{item}/revisions/1", revisionTag)).StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync($"{item}/revisions/1/page", pageTag)).StatusCode);
        using var gone = await GetAsync($"/api/items/{id}/revisions/3/page");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("no-store", CacheControl(gone));
        Assert.Null(gone.Headers.ETag);
    }

    [Fact]
    public async Task a_diff_between_given_revisions_is_immutable_and_a_diff_to_the_current_revision_is_revalidated()
    {
        var item = await CreateAsync();
        await ReviseAsync(item, "The tanker Sanchi sinks after a week ablaze ");

        var (given, body) = await AssertCachedAsync(tag => GetAsync($"{item}/diff?from=1&to=2", tag), Immutable);
        Assert.Equal("\"1-2\"", given);
        Assert.Contains("headline", JsonDocument.Parse(body).RootElement.GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        var (toCurrent, currentBody) = await AssertCachedAsync(tag => GetAsync($"{item}/diff?from=1", tag), Revalidated);
        Assert.Equal("\"1-2\"", toCurrent);
        Assert.Equal(body, currentBody);

        await ReviseAsync(item, "Sanchi sinks ");
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync($"{item}/diff?from=1&to=2", given)).StatusCode);
        using var moved = await GetAsync($"{item}/diff?from=1&to=current", toCurrent);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal("\"1-3\"", StrongETag(moved));
        Assert.Equal(3, (await moved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("to").GetInt64());
    }

    [Fact]
    public async Task a_revision_page_is_the_exporters_bytes_for_that_revision_and_an_imported_page_is_its_file()
    {
        var item = await CreateAsync(headline: "Bitcoin passes 10,000 dollars ", date: "2017-11-29");
        await ReviseAsync(item, "Bitcoin passes US$10,000 ");
        await ReviseAsync(item, "The price of Bitcoin passes US$10,000 ");

        for (var n = 1; n <= 3; n++)
        {
            var revision = await _http.GetFromJsonAsync<JsonElement>($"{item}/revisions/{n}");
            var editedAt = revision.GetProperty("editedAt").GetDateTimeOffset();
            var exported = await ExportAsync(editedAt);
            var expected = exported.Single(p => p.Path == revision.GetProperty("path").GetString()).Text;
            using var page = await GetAsync($"{item}/revisions/{n}/page");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/markdown", page.Content.Headers.ContentType!.MediaType);
            Assert.Equal(Encoding.UTF8.GetBytes(expected), await page.Content.ReadAsByteArrayAsync());
            Assert.Equal(Immutable, CacheControl(page));
        }
        // The current revision's page is the current page, byte for byte.
        var current = await _http.GetFromJsonAsync<JsonElement>(item);
        Assert.Equal(await _http.GetByteArrayAsync(current.GetProperty("path").GetString()), await _http.GetByteArrayAsync($"{item}/revisions/3/page"));

        const string Konstanz = "/news/2017/07/30/a-man-shoots-several-people-in-a-nightclub-in-konstanz-germany-killing-one-the-gunman-was-shot-and-killed-by-police.md";
        var file = File.ReadAllBytes(Corpus.PathOf("en" + Konstanz));
        var imported = await _http.PostAsJsonAsync("/api/pages", new { path = Konstanz, text = Encoding.UTF8.GetString(file) });
        Assert.True(imported.IsSuccessStatusCode, $"import answered {(int)imported.StatusCode}");
        var importedItem = (await _http.GetFromJsonAsync<JsonElement>($"/api/items?path={Uri.EscapeDataString(Konstanz)}")).GetProperty("id").GetString();
        var last = (await _http.GetFromJsonAsync<JsonElement[]>($"/api/items/{importedItem}/revisions"))!.Single(r => r.GetProperty("current").GetBoolean());
        Assert.Equal(file, await _http.GetByteArrayAsync($"/api/items/{importedItem}/revisions/{last.GetProperty("revision").GetInt64()}/page"));
    }

    private async Task<List<ExportedPage>> ExportAsync(DateTimeOffset asOf)
    {
        using var scope = server.App.Services.CreateScope();
        return await new PageExporter(scope.ServiceProvider.GetRequiredService<EventStore.EventStore>()).ExportAsync(asOf, default);
    }

    [Fact]
    public async Task errors_never_carry_the_immutable_header_or_an_etag_and_an_archived_items_revision_is_410_whatever_the_cache_holds()
    {
        var item = await CreateAsync();
        var (etag, _) = await AssertCachedAsync(tag => GetAsync($"{item}/revisions/1", tag), Immutable);
        foreach (var missing in new[] { $"{item}/revisions/9", $"{item}/revisions/9/page", $"{item}/diff?from=1&to=9", $"{item}/revisions/0",
                     $"/api/items/{Guid.NewGuid()}/revisions/1", $"/api/items/{Guid.NewGuid()}", "/api/days/not-a-date" })
        {
            using var response = await GetAsync(missing, etag);
            Assert.True((int)response.StatusCode >= 400, $"{missing} answered {(int)response.StatusCode}");
            Assert.Equal("no-store", CacheControl(response));
            Assert.Null(response.Headers.ETag);
        }

        Assert.Equal(HttpStatusCode.OK, (await server.Admin.PostAsync($"{item}/archive", null)).StatusCode);
        foreach (var path in new[] { $"{item}/revisions/1", $"{item}/revisions/1/page", $"{item}/diff?from=1&to=1", item })
        {
            // Archived: gone, also to a cache revalidating the copy it has (not a 304).
            using var gone = await GetAsync(path, etag);
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
            Assert.Equal("no-store", CacheControl(gone));
            Assert.Null(gone.Headers.ETag);
        }
        // Asked for with ?includeArchived=true it is still the same revision, as immutable as before.
        using var kept = await GetAsync($"{item}/revisions/1?includeArchived=true");
        Assert.Equal(etag, StrongETag(kept));
        Assert.Equal(Immutable, CacheControl(kept));
    }

    [Fact]
    public async Task an_immutable_revision_names_no_last_or_next_memento_but_the_timemap_does()
    {
        var item = await CreateAsync();
        await ReviseAsync(item, "The tanker Sanchi sinks after a week ablaze ");
        await ReviseAsync(item, "Sanchi sinks ");

        using var middle = await GetAsync($"{item}/revisions/2");
        Assert.Equal(Immutable, CacheControl(middle));
        Assert.NotEmpty(middle.Headers.GetValues("Memento-Datetime"));
        var link = string.Join(", ", middle.Headers.GetValues("Link"));
        foreach (var present in new[] { ">; rel=\"original\"", "/timegate>; rel=\"timegate\"", "/timemap>; rel=\"timemap\"",
                     "/revisions/1>; rel=\"first memento\"", "/revisions/1>; rel=\"prev memento\"" })
            Assert.Contains(present, link);
        Assert.DoesNotContain("last memento", link);
        Assert.DoesNotContain("next memento", link);
        Assert.DoesNotContain("/revisions/3", link);

        using var timemap = await GetAsync($"{item}/timemap");
        Assert.Equal(Revalidated, CacheControl(timemap));
        var body = await timemap.Content.ReadAsStringAsync();
        Assert.Contains("/revisions/3>; rel=\"last memento\"", body);
    }

    [Fact]
    public async Task a_source_text_named_by_its_url_is_immutable_and_by_its_position_revalidated()
    {
        const string Url = "http://www.reuters.com/article/us-china-shipping-iran";
        const string Article = "The Iranian oil tanker Sanchi sank on Sunday after burning for more than a week in the East China Sea.\n";
        var item = await CreateAsync();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Article));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain; charset=utf-8");
        Assert.Equal(HttpStatusCode.Created, (await _http.PutAsync($"{item}/sources/1/text", content)).StatusCode);

        var (byUrl, text) = await AssertCachedAsync(tag => GetAsync($"{item}/sources/{Uri.EscapeDataString(Url)}/texts/1", tag), Immutable);
        var (byPosition, _) = await AssertCachedAsync(tag => GetAsync($"{item}/sources/1/texts/1", tag), Revalidated);
        Assert.Equal(byUrl, byPosition);
        Assert.Equal(Article, Encoding.UTF8.GetString(text));
        await AssertCachedAsync(tag => GetAsync($"{item}/sources/1/texts", tag), Revalidated);
    }

    [Fact]
    public async Task the_document_names_etag_cache_control_if_none_match_and_the_304_of_every_cached_read()
    {
        var document = (await server.Reader.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        foreach (var (path, kind) in new[]
                 {
                     ("/api/items/{id}/revisions/{revision}", Immutable), ("/api/items/{id}/revisions/{revision}/page", Immutable),
                     ("/api/items/{id}/diff", Immutable), ("/api/items/{id}", Revalidated), ("/api/items/{id}/revisions", Revalidated),
                     ("/api/items/{id}/timemap", Revalidated), ("/news/{year}/{month}/{day}/{file}", Revalidated),
                     ("/api/days/{date}", Revalidated), ("/api/changes", Revalidated), ("/api/search", Revalidated),
                 })
        {
            var get = document["paths"]![path]!["get"]!;
            Assert.Contains(get["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "If-None-Match" && p["in"]!.GetValue<string>() == "header");
            foreach (var status in new[] { "200", "304" })
            {
                var headers = get["responses"]![status]!["headers"]!;
                Assert.NotNull(headers["ETag"]);
                Assert.StartsWith(kind, headers["Cache-Control"]!["description"]!.GetValue<string>());
            }
            Assert.Null(get["responses"]!["304"]!["content"]);
        }
        var edit = document["paths"]!["/api/items/{id}/headline"]!["post"]!;
        Assert.DoesNotContain(edit["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "If-None-Match");
        Assert.Null(edit["responses"]!["304"]);
    }
}

/// With EVENTHISTORY_OPEN_READS=false an answer was for its key's holder: private caches only.
public sealed class CachingWithClosedReadsTests(CachingWithClosedReadsTests.ClosedReads server) : IClassFixture<CachingWithClosedReadsTests.ClosedReads>
{
    public sealed class ClosedReads : ApiServer
    {
        protected override IEnumerable<string> Settings => ["--EVENTHISTORY_OPEN_READS", "false"];
    }

    [Fact]
    public async Task answers_that_needed_a_key_are_private_and_a_request_without_one_is_401_and_never_cached()
    {
        var created = await server.Client.PostAsJsonAsync("/api/items", new { date = "2018-01-14", headline = "Sanchi sinks " });
        var item = created.Headers.Location!.ToString();

        using var revision = await server.Reader.GetAsync($"{item}/revisions/1");
        Assert.Equal("private, max-age=31536000, immutable", CachingTests.CacheControl(revision));
        using var current = await server.Reader.GetAsync(item);
        Assert.Equal("private, no-cache", CachingTests.CacheControl(current));
        var again = new HttpRequestMessage(HttpMethod.Get, item) { Headers = { { "If-None-Match", current.Headers.ETag!.Tag } } };
        Assert.Equal(HttpStatusCode.NotModified, (await server.Reader.SendAsync(again)).StatusCode);

        using var anonymous = await server.Anonymous.GetAsync($"{item}/revisions/1");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("no-store", CachingTests.CacheControl(anonymous));
        Assert.Null(anonymous.Headers.ETag);

        var document = (await server.Reader.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        Assert.StartsWith("private, max-age=31536000, immutable",
            document["paths"]!["/api/items/{id}/revisions/{revision}"]!["get"]!["responses"]!["200"]!["headers"]!["Cache-Control"]!["description"]!.GetValue<string>());
    }
}
