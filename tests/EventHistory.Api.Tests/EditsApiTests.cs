using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventHistory.Api.Tests;

/// Edits beyond the headline, through HTTP: each one a new revision, nothing erased.
public sealed class EditsApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    private readonly HttpClient _http = server.Client;

    private async Task<string> CreateAsync(string headline, string date = "2019-03-04")
    {
        var response = await _http.PostAsJsonAsync("/api/items", new
        {
            date, headline, summary = "First summary.",
            sources = new[] { new { name = "Reuters", url = "https://www.reuters.com/a" } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    private async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<JsonElement> ItemAsync(string location) => _http.GetFromJsonAsync<JsonElement>(location)!;

    [Fact]
    public async Task every_kind_of_edit_makes_a_revision_and_revert_restores_revision_one()
    {
        var item = await CreateAsync("Edits of every kind ");
        var other = await CreateAsync("The item it relates to ");
        var otherPath = (await ItemAsync(other)).GetProperty("path").GetString()!;

        await OkAsync(await _http.PostAsJsonAsync($"{item}/summary", new { summary = "Second summary.", reason = "clearer" }));
        await OkAsync(await _http.PostAsJsonAsync($"{item}/sources", new { name = "BBC", url = "https://www.bbc.co.uk/b" }));
        await OkAsync(await _http.DeleteAsync($"{item}/sources?url={Uri.EscapeDataString("https://www.reuters.com/a")}&reason=dead%20link"));
        await OkAsync(await _http.PostAsJsonAsync($"{item}/related", new { path = otherPath, context = "Background" }));
        await OkAsync(await _http.PutAsJsonAsync($"{item}/topic", new { topic = "Elections" }));
        var now = await ItemAsync(item);

        Assert.Equal(6, now.GetProperty("revision").GetInt32());
        Assert.Equal("Second summary.", now.GetProperty("summary").GetString());
        Assert.Equal(["https://www.bbc.co.uk/b"], now.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("url").GetString()));
        var related = now.GetProperty("related").EnumerateArray().Single();
        Assert.Equal(("The item it relates to ", otherPath, "Background"),
            (related.GetProperty("headline").GetString(), related.GetProperty("path").GetString(), related.GetProperty("context").GetString()));
        Assert.Equal("Elections", now.GetProperty("topic").GetString());

        await OkAsync(await _http.DeleteAsync($"{item}/related?path={Uri.EscapeDataString(otherPath)}"));
        var reverted = await OkAsync(await _http.PostAsJsonAsync($"{item}/revert", new { revision = 1, reason = "back to the original" }));
        Assert.Equal(8, reverted.GetProperty("revision").GetInt32());

        var back = await ItemAsync(item);
        var first = await _http.GetFromJsonAsync<JsonElement>($"{item}/revisions/1");
        foreach (var field in new[] { "headline", "summary", "sources", "related", "topic" })
            Assert.Equal(first.GetProperty(field).ToString(), back.GetProperty(field).ToString());
        var history = await _http.GetFromJsonAsync<JsonElement[]>($"{item}/revisions");
        Assert.Equal(["news_item_created", "summary_revised", "source_added", "source_removed", "related_item_linked",
            "topic_changed", "related_item_unlinked", "news_item_reverted"], history!.Select(h => h.GetProperty("eventType").GetString()));
        Assert.Equal("dead link", history![3].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task retract_and_restore_need_an_admin_and_a_reason()
    {
        var item = await CreateAsync("Retracted then restored ");

        Assert.Equal(HttpStatusCode.Forbidden, (await _http.PostAsJsonAsync($"{item}/retract", new { reason = "wrong" })).StatusCode);
        var noReason = await server.Admin.PostAsJsonAsync($"{item}/retract", new { reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.True((await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _));

        await OkAsync(await server.Admin.PostAsJsonAsync($"{item}/retract", new { reason = "the story was false" }));
        Assert.Equal("Retracted", (await ItemAsync(item)).GetProperty("status").GetString());
        var edit = await _http.PostAsJsonAsync($"{item}/summary", new { summary = "Edited while retracted." });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, edit.StatusCode);

        await OkAsync(await server.Admin.PostAsJsonAsync($"{item}/restore", new { reason = "confirmed after all" }));
        Assert.Equal("Published", (await ItemAsync(item)).GetProperty("status").GetString());
        var diff = await _http.GetFromJsonAsync<JsonElement>($"{item}/diff?from=1&to=2");
        Assert.Equal(["status"], diff.GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task edits_honour_if_match_and_reject_what_changes_nothing()
    {
        var item = await CreateAsync("Conflicting edits ");
        var stale = new HttpRequestMessage(HttpMethod.Put, $"{item}/topic") { Content = JsonContent.Create(new { topic = "A" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"7\"");
        Assert.Equal(HttpStatusCode.Conflict, (await _http.SendAsync(stale)).StatusCode);

        var ok = new HttpRequestMessage(HttpMethod.Put, $"{item}/topic") { Content = JsonContent.Create(new { topic = "A" }) };
        ok.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        var response = await _http.SendAsync(ok);
        Assert.Equal("\"2\"", response.Headers.ETag!.Tag);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await _http.PutAsJsonAsync($"{item}/topic", new { topic = "A" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await _http.DeleteAsync($"{item}/sources?url=https%3A%2F%2Fnowhere.example%2F")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await _http.PostAsJsonAsync($"{item}/revert", new { revision = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.PostAsJsonAsync($"{item}/revert", new { revision = 40 })).StatusCode);
    }

    [Fact]
    public async Task bad_input_names_the_field_and_writes_nothing()
    {
        var item = await CreateAsync("Bad input ");
        var before = await server.Db.ScalarAsync("select count(*) from mt_events");

        async Task AssertField(HttpResponseMessage response, string field)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
        await AssertField(await _http.PostAsJsonAsync($"{item}/sources", new { name = "x", url = "ftp://x" }), "url");
        await AssertField(await _http.PostAsJsonAsync($"{item}/related", new { path = "not-a-path", context = "" }), "path");
        await AssertField(await _http.PostAsJsonAsync($"{item}/revert", new { revision = 0 }), "revision");
        Assert.Equal(before, await server.Db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task a_reader_cannot_edit_and_nobody_anonymous_can_either()
    {
        var item = await CreateAsync("Read only ");
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Reader.PostAsJsonAsync($"{item}/summary", new { summary = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Anonymous.PutAsJsonAsync($"{item}/topic", new { topic = "x" })).StatusCode);
    }
}
