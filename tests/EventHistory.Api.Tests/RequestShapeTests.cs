using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace EventHistory.Api.Tests;

/// What a new client gets wrong first (no body, a bad id, revision 0, a field in capitals, a field
/// twice, a long URL, a body over the limit, a wrong key): each answer is a problem in the client's
/// terms that names the field or the limit, never ASP.NET's internals or a bare status, and nothing
/// is written.
public sealed class RequestShapeTests(BadInputTests.SmallBodies server) : IClassFixture<BadInputTests.SmallBodies>
{
    private const string Headline = "China says no major oil spill has been detected after Sanchi disaster ";

    private Task<long> EventCountAsync() => server.Db.ScalarAsync("select count(*) from mt_events");

    private async Task<string> CreateAsync(params (string Name, string Url)[] sources)
    {
        var response = await server.Client.PostAsJsonAsync("/api/items",
            new { date = "2018-01-14", headline = Headline, sources = sources.Select(s => new { name = s.Name, url = s.Url }) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        ServerSecrets.AssertNoneIn(text);
        Assert.DoesNotContain("Implicit body", text);
        Assert.DoesNotContain("Failed to bind", text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static string ErrorFor(JsonElement problem, string field) =>
        problem.GetProperty("errors").TryGetProperty(field, out var messages)
            ? messages[0].GetString()!
            : throw new Xunit.Sdk.XunitException($"no error for '{field}' in {problem}");

    private Task<HttpResponseMessage> PostRawAsync(string path, string? body) =>
        server.Client.PostAsync(path, body is null ? new ByteArrayContent([]) { Headers = { ContentType = new("application/json") } }
            : new StringContent(body, Encoding.UTF8, "application/json"));

    [Theory]
    [InlineData(null)]
    [InlineData("null")]
    public async Task an_empty_or_null_body_is_a_400_that_asks_for_a_json_object(string? body)
    {
        var before = await EventCountAsync();
        var problem = await ProblemAsync(await PostRawAsync("/api/items", body), HttpStatusCode.BadRequest);
        Assert.Contains("needs a JSON object", ErrorFor(problem, "body"));
        Assert.Equal(before, await EventCountAsync());
        var item = await CreateAsync();
        before = await EventCountAsync();
        await ProblemAsync(await PostRawAsync($"{item}/headline", body), HttpStatusCode.BadRequest);
        Assert.Equal(before, await EventCountAsync());
    }

    [Theory]
    [InlineData("/api/items/abc", "id")]
    [InlineData("/api/items/abc/revisions", "id")]
    [InlineData("/api/items/{id}/revisions/abc", "revision")]
    [InlineData("/api/items/{id}/revisions/0", "revision")]
    [InlineData("/api/items/{id}/revisions/-1", "revision")]
    public async Task a_malformed_id_or_revision_is_a_400_naming_it_not_a_bare_404(string path, string field)
    {
        var item = await CreateAsync();
        var problem = await ProblemAsync(await server.Client.GetAsync(path.Replace("/api/items/{id}", item)), HttpStatusCode.BadRequest);
        var message = ErrorFor(problem, field);
        Assert.Contains($"'{field}'", message);
    }

    [Fact]
    public async Task a_revision_that_does_not_exist_yet_is_still_a_404()
    {
        var item = await CreateAsync();
        var problem = await ProblemAsync(await server.Client.GetAsync($"{item}/revisions/9"), HttpStatusCode.NotFound);
        Assert.Contains("Revision 9", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task field_names_are_case_sensitive_and_a_capitalised_one_is_refused_by_name()
    {
        var item = await CreateAsync();
        var before = await EventCountAsync();
        var problem = await ProblemAsync(await PostRawAsync($"{item}/headline", "{\"HEADLINE\": \"Shouted headline \"}"), HttpStatusCode.BadRequest);
        Assert.Contains("case-sensitive", ErrorFor(problem, "HEADLINE"));
        Assert.Equal(before, await EventCountAsync());
    }

    [Fact]
    public async Task a_field_given_twice_is_refused_rather_than_the_last_one_winning()
    {
        var item = await CreateAsync();
        var before = await EventCountAsync();
        var problem = await ProblemAsync(
            await PostRawAsync($"{item}/headline", "{\"headline\": \"First of two \", \"headline\": \"Second of two \"}"), HttpStatusCode.BadRequest);
        Assert.Contains("more than once", ErrorFor(problem, "headline"));
        Assert.Equal(before, await EventCountAsync());
        Assert.Equal(Headline, (await server.Client.GetFromJsonAsync<JsonElement>(item)).GetProperty("headline").GetString());
    }

    [Fact]
    public async Task a_body_over_the_limit_is_a_413_that_says_the_limit_and_the_size()
    {
        var huge = JsonSerializer.Serialize(new { date = "2018-01-10", headline = "A headline", summary = new string('x', 50_000) });
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/items") { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        var problem = await ProblemAsync(await server.Client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(20000, problem.GetProperty("maxBodyBytes").GetInt64());
        Assert.Contains("20000 bytes", problem.GetProperty("detail").GetString());
        Assert.Contains($"{Encoding.UTF8.GetByteCount(huge)} bytes", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task a_chunked_body_over_the_limit_is_a_413_that_says_the_limit()
    {
        // No Content-Length: the limit is met while reading, and the answer still names it.
        var huge = JsonSerializer.Serialize(new { date = "2018-01-10", headline = "A headline", summary = new string('x', 50_000) });
        var before = await EventCountAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/items") { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge))) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.ExpectContinue = true;
        var problem = await ProblemAsync(await server.Client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("20000 bytes", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await EventCountAsync());
    }

    [Fact]
    public async Task a_url_over_the_limit_is_a_414_problem_not_an_empty_answer()
    {
        var response = await server.Client.GetAsync("/api/items?path=/news/" + new string('a', 20_000));
        var problem = await ProblemAsync(response, HttpStatusCode.RequestUriTooLong);
        Assert.Equal(8192, problem.GetProperty("maxTargetLength").GetInt32());
    }

    [Fact]
    public async Task a_wrong_key_is_told_apart_from_no_key()
    {
        using var wrong = new HttpClient { BaseAddress = server.Anonymous.BaseAddress };
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", "ehk_not-a-real-key");
        var body = new { date = "2018-01-10", headline = Headline };
        var none = await ProblemAsync(await server.Anonymous.PostAsJsonAsync("/api/items", body), HttpStatusCode.Unauthorized);
        var unknown = await ProblemAsync(await wrong.PostAsJsonAsync("/api/items", body), HttpStatusCode.Unauthorized);
        Assert.Contains("needs an API key", none.GetProperty("detail").GetString());
        Assert.Contains("unknown or revoked", unknown.GetProperty("detail").GetString());
        Assert.NotEqual(none.GetProperty("detail").GetString(), unknown.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task a_source_is_removed_with_its_url_in_a_json_body_as_in_the_query()
    {
        var item = await CreateAsync(("Reuters", "https://www.reuters.com/a"), ("BBC", "https://www.bbc.com/b"));
        var byBody = new HttpRequestMessage(HttpMethod.Delete, $"{item}/sources")
        { Content = JsonContent.Create(new { url = "https://www.reuters.com/a", reason = "dead link" }) };
        var removed = await server.Client.SendAsync(byBody);
        Assert.True(removed.IsSuccessStatusCode, await removed.Content.ReadAsStringAsync());
        Assert.True((await server.Client.DeleteAsync($"{item}/sources?url={Uri.EscapeDataString("https://www.bbc.com/b")}")).IsSuccessStatusCode);

        var now = await server.Client.GetFromJsonAsync<JsonElement>(item);
        Assert.Equal(0, now.GetProperty("sources").GetArrayLength());
        var history = await server.Client.GetFromJsonAsync<JsonElement[]>($"{item}/revisions");
        Assert.Equal("dead link", history![1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task a_delete_with_both_a_body_and_a_query_is_refused_and_removes_nothing()
    {
        var item = await CreateAsync(("Reuters", "https://www.reuters.com/a"));
        var both = new HttpRequestMessage(HttpMethod.Delete, $"{item}/sources?url={Uri.EscapeDataString("https://www.reuters.com/a")}")
        { Content = JsonContent.Create(new { url = "https://www.reuters.com/a" }) };
        var problem = await ProblemAsync(await server.Client.SendAsync(both), HttpStatusCode.BadRequest);
        Assert.Contains("not both", ErrorFor(problem, "body"));
        Assert.Equal(1, (await server.Client.GetFromJsonAsync<JsonElement>(item)).GetProperty("sources").GetArrayLength());
    }
}
