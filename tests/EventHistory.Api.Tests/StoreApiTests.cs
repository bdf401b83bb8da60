using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventHistory.Api.Tests;

/// Idempotency, event metadata, verify, archive, projections and search over HTTP; the service
/// runs its projection daemon (on by default).
public sealed class StoreApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    private static object Item(string headline) => new
    {
        date = "2018-01-14", headline, summary = "The Iranian oil tanker burned for a week after colliding with a freighter.",
    };

    [Fact]
    public async Task a_client_that_sends_its_own_timestamp_editor_or_edit_time_is_refused_naming_the_fields()
    {
        var before = await EventsAsync();
        var response = await server.Client.PostAsJsonAsync("/api/items", new
        {
            date = "2018-01-14", headline = "Forged metadata ", timestamp = "2001-01-01T00:00:00Z",
            editedAt = "2001-01-01T00:00:00Z", userName = "mallory",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("timestamp", out _) || errors.TryGetProperty("editedAt", out _) || errors.TryGetProperty("userName", out _),
            errors.ToString());
        Assert.Equal(before, await EventsAsync());
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object? body, params (string, string)[] headers)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return await client.SendAsync(request);
    }

    private async Task<string> CreateAsync(string headline)
    {
        var response = await server.Client.PostAsJsonAsync("/api/items", Item(headline));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    private async Task<long> EventsAsync() => await server.Db.ScalarAsync("select count(*) from mt_events");

    [Fact]
    public async Task an_idempotency_key_sent_again_with_another_body_or_item_is_refused_and_appends_nothing()
    {
        var item = await CreateAsync("Key reuse one ");
        var other = await CreateAsync("Key reuse two ");
        var first = await SendAsync(server.Client, HttpMethod.Post, $"{item}/headline", new { headline = "Key reuse one, revised " }, ("Idempotency-Key", "reused-key"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var before = await EventsAsync();

        var otherBody = await SendAsync(server.Client, HttpMethod.Post, $"{item}/headline", new { headline = "Something else entirely " }, ("Idempotency-Key", "reused-key"));
        var otherItem = await SendAsync(server.Client, HttpMethod.Post, $"{other}/headline", new { headline = "Key reuse one, revised " }, ("Idempotency-Key", "reused-key"));
        var otherMethod = await SendAsync(server.Client, HttpMethod.Post, $"{item}/summary", new { summary = "Key reuse one, revised " }, ("Idempotency-Key", "reused-key"));

        foreach (var refused in new[] { otherBody, otherItem, otherMethod })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("reused-key", problem.GetProperty("idempotencyKey").GetString());
            Assert.Contains("another request", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(before, await EventsAsync());
        var retry = await SendAsync(server.Client, HttpMethod.Post, $"{item}/headline", new { headline = "Key reuse one, revised " }, ("Idempotency-Key", "reused-key"));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.True((await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
    }

    [Fact]
    public async Task a_create_and_a_revision_retried_with_the_same_idempotency_key_append_nothing_the_second_time()
    {
        var first = await SendAsync(server.Client, HttpMethod.Post, "/api/items", Item("Sanchi sinks "), ("Idempotency-Key", "http-create-1"));
        var before = await EventsAsync();
        var retry = await SendAsync(server.Client, HttpMethod.Post, "/api/items", Item("Sanchi sinks "), ("Idempotency-Key", "http-create-1"));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(before, await EventsAsync());

        var location = first.Headers.Location!.ToString();
        var revised = await SendAsync(server.Client, HttpMethod.Post, $"{location}/headline", new { headline = "Sanchi sank " }, ("Idempotency-Key", "http-revise-1"));
        var again = await SendAsync(server.Client, HttpMethod.Post, $"{location}/headline", new { headline = "Sanchi sank " }, ("Idempotency-Key", "http-revise-1"));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (revised.StatusCode, again.StatusCode));
        Assert.Equal("\"2\"", again.Headers.ETag!.Tag);
        Assert.True((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        Assert.Equal(before + 1, await EventsAsync());
    }

    [Fact]
    public async Task every_event_records_the_caller_the_ids_the_reason_and_the_edit_time_and_the_store_sets_the_timestamp()
    {
        var created = await SendAsync(server.Client, HttpMethod.Post, "/api/items", Item("Metadata check "),
            ("X-Correlation-Id", "corr-42"), ("Idempotency-Key", "meta-create"), ("X-User", "mallory"));
        var location = created.Headers.Location!.ToString();
        await SendAsync(server.Client, HttpMethod.Post, $"{location}/headline", new { headline = "Metadata checked ", reason = "past tense" },
            ("X-Correlation-Id", "corr-42"), ("X-Causation-Id", "cause-7"));
        var id = location.Split('/')[^1];

        await using var cmd = server.Db.DataSource.CreateCommand(
            $"""
            select version, user_name, correlation_id, causation_id, data->>'reason', (data->>'editedAt')::timestamptz,
                   abs(extract(epoch from now() - timestamp))
            from mt_events where stream_id = '{id}' order by version
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<(string User, string Correlation, string Causation, string? Reason, DateTimeOffset EditedAt, double Age)>();
        while (await r.ReadAsync())
            rows.Add((r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetFieldValue<DateTimeOffset>(5), r.GetDouble(6)));

        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Equal(("test-editor", "corr-42"), (row.User, row.Correlation)));
        Assert.Equal(["meta-create", "cause-7"], rows.Select(row => row.Causation));
        Assert.Equal("past tense", rows[1].Reason);
        Assert.All(rows, row => Assert.True(row.Age < 300, "the store records its own time, whatever the client sends"));
        Assert.All(rows, row => Assert.True(row.EditedAt.Year > 2001, "the edit's time is the server's, not the client's claim"));
    }

    [Fact]
    public async Task an_oversized_idempotency_key_is_a_400_and_appends_nothing()
    {
        var before = await EventsAsync();
        var response = await SendAsync(server.Client, HttpMethod.Post, "/api/items", Item("Too long a key "), ("Idempotency-Key", new string('k', 300)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await EventsAsync());
    }

    [Fact]
    public async Task verify_reports_all_events_intact_then_the_changed_event_of_a_tampered_item()
    {
        var location = await CreateAsync("Verify me ");
        await SendAsync(server.Client, HttpMethod.Post, $"{location}/headline", new { headline = "Verify me twice " }, []);
        await SendAsync(server.Client, HttpMethod.Post, $"{location}/headline", new { headline = "Verify me thrice " }, []);
        var all = await server.Reader.GetFromJsonAsync<JsonElement>("/api/verify");
        Assert.True(all.GetProperty("intact").GetBoolean());
        Assert.Equal(await EventsAsync(), all.GetProperty("events").GetInt64());

        var id = location.Split('/')[^1];
        await server.Db.ExecuteAsync($"update mt_events set data = jsonb_set(data, '{{headline}}', '\"Verify mE twice \"') where stream_id = '{id}' and version = 2");
        var one = await server.Reader.GetFromJsonAsync<JsonElement>($"{location}/verify");
        Assert.False(one.GetProperty("intact").GetBoolean());
        var found = one.GetProperty("breaks")[0];
        Assert.Equal((2L, "data"), (found.GetProperty("version").GetInt64(), found.GetProperty("kind").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Reader.GetAsync($"/api/items/{Guid.NewGuid()}/verify")).StatusCode);
        // Put it back so the other tests' verify sees an intact store.
        await server.Db.ExecuteAsync($"update mt_events set data = jsonb_set(data, '{{headline}}', '\"Verify me twice \"') where stream_id = '{id}' and version = 2");
        Assert.True((await server.Reader.GetFromJsonAsync<JsonElement>($"{location}/verify")).GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task an_archived_item_is_kept_but_answers_410_unless_asked_for_and_only_an_admin_archives()
    {
        var location = await CreateAsync("Archive me ");
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client.PostAsync($"{location}/archive", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.PostAsync($"{location}/archive", null)).StatusCode);

        var hidden = await server.Reader.GetAsync(location);
        Assert.Equal(HttpStatusCode.Gone, hidden.StatusCode);
        Assert.Equal("application/problem+json", hidden.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.Gone, (await server.Reader.GetAsync($"{location}/revisions")).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await SendAsync(server.Client, HttpMethod.Post, $"{location}/headline", new { headline = "No " }, [])).StatusCode);
        var shown = await server.Reader.GetFromJsonAsync<JsonElement>($"{location}?includeArchived=true");
        Assert.Equal("Archive me ", shown.GetProperty("headline").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.Reader.GetAsync($"{location}/revisions/1?includeArchived=true")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Admin.PostAsync($"/api/items/{Guid.NewGuid()}/archive", null)).StatusCode);
    }

    [Fact]
    public async Task the_daemon_in_the_service_makes_a_new_item_searchable_and_reports_its_projections()
    {
        await CreateAsync("Tanker zebrafish collision off Shanghai ");
        JsonElement[] hits = [];
        for (var i = 0; i < 100 && hits.Length == 0; i++)
        {
            hits = (await server.Reader.GetFromJsonAsync<JsonElement[]>("/api/search?q=zebrafish"))!;
            if (hits.Length == 0) await Task.Delay(100);
        }
        Assert.Equal("Tanker zebrafish collision off Shanghai ", Assert.Single(hits).GetProperty("headline").GetString());

        var statuses = (await server.Reader.GetFromJsonAsync<JsonElement[]>("/api/projections"))!;
        Assert.Equal(["news_items", "stream_event_counts", "item_search"], statuses.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("running", statuses[2].GetProperty("state").GetString());

        var empty = await server.Reader.GetAsync("/api/search?q=");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.True((await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("q", out _));
    }

    [Fact]
    public async Task only_an_admin_rebuilds_a_projection_and_search_still_answers_after()
    {
        await CreateAsync("Rebuild the okapi index ");
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client.PostAsync("/api/projections/item_search/rebuild", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Admin.PostAsync("/api/projections/nonsense/rebuild", null)).StatusCode);
        var rebuilt = await server.Admin.PostAsync("/api/projections/item_search/rebuild", null);
        Assert.Equal(HttpStatusCode.OK, rebuilt.StatusCode);
        Assert.True((await rebuilt.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").GetInt64() >= 1);
        JsonElement[] hits = [];
        for (var i = 0; i < 100 && hits.Length == 0; i++)
        {
            hits = (await server.Reader.GetFromJsonAsync<JsonElement[]>("/api/search?q=okapi"))!;
            if (hits.Length == 0) await Task.Delay(100);
        }
        Assert.Single(hits);
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.PostAsync("/api/projections/news_items/rebuild", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Reader.GetAsync("/api/projections")).StatusCode);
    }
}
