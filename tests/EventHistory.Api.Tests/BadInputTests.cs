using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace EventHistory.Api.Tests;

/// Whatever a client sends, the answer is a problem naming what was wrong, and nothing is written.
public sealed class BadInputTests(BadInputTests.SmallBodies server) : IClassFixture<BadInputTests.SmallBodies>
{
    public sealed class SmallBodies : ApiServer
    {
        protected override IEnumerable<string> Settings => ["--EVENTHISTORY_MAX_BODY_BYTES", "20000"];
    }

    private Task<long> EventCountAsync() => server.Db.ScalarAsync("select count(*) from mt_events");

    private Task<HttpResponseMessage> PostRawAsync(string path, string body) =>
        server.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        ServerSecrets.AssertNoneIn(text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static void AssertNames(JsonElement problem, string field) =>
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {problem}");

    [Fact]
    public async Task malformed_json_is_a_400_problem_and_appends_nothing()
    {
        var before = await EventCountAsync();
        var problem = await ProblemAsync(await PostRawAsync("/api/items", "{\"date\": \"2018-01-10\", \"headline\": "), HttpStatusCode.BadRequest);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal(before, await EventCountAsync());
    }

    [Fact]
    public async Task a_field_of_the_wrong_type_is_named()
    {
        var problem = await ProblemAsync(await PostRawAsync("/api/items", "{\"date\": \"2018-01-10\", \"headline\": 42}"), HttpStatusCode.BadRequest);
        AssertNames(problem, "headline");
    }

    [Fact]
    public async Task an_unknown_field_is_rejected_by_name_rather_than_silently_dropped()
    {
        var before = await EventCountAsync();
        var problem = await ProblemAsync(
            await PostRawAsync("/api/items", "{\"date\": \"2018-01-10\", \"headline\": \"A headline\", \"summry\": \"typo\"}"), HttpStatusCode.BadRequest);
        AssertNames(problem, "summry");
        Assert.Equal(before, await EventCountAsync());
    }

    [Fact]
    public async Task a_body_over_the_limit_is_a_413_problem()
    {
        var huge = JsonSerializer.Serialize(new { date = "2018-01-10", headline = "A headline", summary = new string('x', 50_000) });
        // Expect: 100-continue, so the refused body is never half-sent into a closed connection.
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/items") { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        await ProblemAsync(await server.Client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task a_body_that_is_not_json_at_all_is_a_problem_not_a_500()
    {
        var response = await server.Client.PostAsync("/api/items", new StringContent("headline=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        ServerSecrets.AssertNoneIn(text);
    }

    [Theory]
    [InlineData("headline", "A headline with a \u0007 bell")]
    [InlineData("headline", "A headline with a\nnewline")]
    [InlineData("summary", "A summary with an escape \u001b[31m")]
    [InlineData("topic", "Topic\u0000")]
    public async Task control_characters_are_rejected_naming_the_field(string field, string value)
    {
        var body = new Dictionary<string, object> { ["date"] = "2018-01-10", ["headline"] = "A headline", [field] = value };
        var problem = await ProblemAsync(await server.Client.PostAsJsonAsync("/api/items", body), HttpStatusCode.BadRequest);
        AssertNames(problem, field);
    }

    [Fact]
    public async Task half_a_surrogate_pair_is_rejected_naming_the_field()
    {
        var problem = await ProblemAsync(
            await PostRawAsync("/api/items", "{\"date\": \"2018-01-10\", \"headline\": \"half a pair \\ud800 here\"}"), HttpStatusCode.BadRequest);
        AssertNames(problem, "headline");
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://example.org/file")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative/path")]
    [InlineData("http://")]
    public async Task only_http_and_https_source_urls_are_accepted(string url)
    {
        var body = new { date = "2018-01-10", headline = "A headline", sources = new[] { new { name = "Somewhere", url } } };
        var problem = await ProblemAsync(await server.Client.PostAsJsonAsync("/api/items", body), HttpStatusCode.BadRequest);
        AssertNames(problem, "sources[0].url");
    }

    [Theory]
    [InlineData("1899-12-31")]
    [InlineData("2999-01-01")]
    [InlineData("0001-01-01")]
    public async Task dates_outside_sane_bounds_are_rejected(string date)
    {
        var problem = await ProblemAsync(await server.Client.PostAsJsonAsync("/api/items", new { date, headline = "A headline" }), HttpStatusCode.BadRequest);
        AssertNames(problem, "date");
    }

    [Fact]
    public async Task over_long_texts_are_rejected_naming_the_field()
    {
        var problem = await ProblemAsync(
            await server.Client.PostAsJsonAsync("/api/items", new { date = "2018-01-10", headline = new string('h', 1_001), summary = new string('s', 10_001) }),
            HttpStatusCode.BadRequest);
        AssertNames(problem, "headline");
        AssertNames(problem, "summary");
    }

    [Fact]
    public async Task more_than_fifty_sources_or_a_source_without_a_name_are_rejected()
    {
        var many = Enumerable.Range(0, 51).Select(i => new { name = $"Source {i}", url = $"https://example.org/{i}" }).ToArray();
        AssertNames(await ProblemAsync(await server.Client.PostAsJsonAsync("/api/items", new { date = "2018-01-10", headline = "A headline", sources = many }),
            HttpStatusCode.BadRequest), "sources");
        var nameless = new[] { new { name = "", url = "https://example.org/" } };
        AssertNames(await ProblemAsync(await server.Client.PostAsJsonAsync("/api/items", new { date = "2018-01-10", headline = "A headline", sources = nameless }),
            HttpStatusCode.BadRequest), "sources[0].name");
    }

    [Fact]
    public async Task an_internal_error_answers_500_without_a_stack_trace_or_sql()
    {
        var created = await server.Client.PostAsJsonAsync("/api/items", new { date = "2018-01-10", headline = "Before the table went away" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await server.Db.ExecuteAsync("alter table eh_item_revisions rename to eh_item_revisions_gone");
        try
        {
            var problem = await ProblemAsync(await server.Client.GetAsync($"{created.Headers.Location}/revisions"), HttpStatusCode.InternalServerError);
            Assert.Equal(500, problem.GetProperty("status").GetInt32());
        }
        finally
        {
            await server.Db.ExecuteAsync("alter table eh_item_revisions_gone rename to eh_item_revisions");
        }
    }
}

/// What must never appear in an answer: traces, exception types, SQL, connection details.
public static class ServerSecrets
{
    private static readonly string[] Markers =
        ["   at ", "Exception", "Npgsql", "eh_item", "mt_events", "select ", "Host=", "Password", ".cs:line", "System."];

    public static void AssertNoneIn(string body)
    {
        foreach (var marker in Markers)
            Assert.False(body.Contains(marker, StringComparison.OrdinalIgnoreCase), $"the answer leaks '{marker}': {body}");
    }
}
