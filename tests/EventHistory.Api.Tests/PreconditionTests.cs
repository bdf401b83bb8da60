using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventHistory.Api.Tests;

/// An edit says which revision it was made on (If-Match), compared strongly as RFC 9110 asks:
/// an edit that says nothing is refused (428) instead of silently overwriting what it never saw.
public sealed class PreconditionTests(ApiServer server) : IClassFixture<ApiServer>, IAsyncLifetime
{
    private HttpClient _bare = null!;
    private string _item = null!;

    public async Task InitializeAsync()
    {
        // The fixture's own clients add If-Match: * when a test gives none; this one sends exactly what is written.
        _bare = new HttpClient { BaseAddress = server.Client.BaseAddress };
        _bare.DefaultRequestHeaders.Authorization = server.Client.DefaultRequestHeaders.Authorization;
        var created = await _bare.PostAsJsonAsync("/api/items", new { date = "2018-01-14", headline = "Sanchi oil tanker sinks off China " });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        _item = created.Headers.Location!.ToString();
    }

    public Task DisposeAsync() { _bare.Dispose(); return Task.CompletedTask; }

    private Task<HttpResponseMessage> ReviseAsync(string? ifMatch, string headline = "The Sanchi oil tanker sinks off China ")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{_item}/headline") { Content = JsonContent.Create(new { headline }) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return _bare.SendAsync(request);
    }

    private async Task<long> RevisionAsync() =>
        (await _bare.GetFromJsonAsync<JsonElement>(_item)).GetProperty("revision").GetInt64();

    [Fact]
    public async Task an_edit_without_if_match_is_428_and_says_how_to_send_one()
    {
        var response = await ReviseAsync(null);
        Assert.Equal((HttpStatusCode)428, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("If-Match: *", problem.GetProperty("detail").GetString());
        Assert.Equal(1, await RevisionAsync());
        // Every edit route asks the same; none appends.
        foreach (var (method, path) in new[] { (HttpMethod.Post, "summary"), (HttpMethod.Put, "topic"), (HttpMethod.Post, "revert") })
        {
            var edit = new HttpRequestMessage(method, $"{_item}/{path}") { Content = JsonContent.Create(new { }) };
            Assert.Equal((HttpStatusCode)428, (await _bare.SendAsync(edit)).StatusCode);
        }
        Assert.Equal(1, await RevisionAsync());
    }

    [Fact]
    public async Task a_weak_etag_never_matches_so_it_is_412_even_for_the_current_revision()
    {
        var response = await ReviseAsync($"W/\"{await RevisionAsync()}\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Contains("strongly", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(1, await RevisionAsync());
    }

    [Fact]
    public async Task a_strong_etag_of_the_current_revision_or_a_star_edits()
    {
        var current = await RevisionAsync();
        Assert.Equal(HttpStatusCode.OK, (await ReviseAsync($"\"{current}\"", "The Sanchi oil tanker sinks ")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ReviseAsync("*", "The Sanchi oil tanker sinks off Shanghai ")).StatusCode);
        Assert.Equal(current + 2, await RevisionAsync());
        var stale = await ReviseAsync($"\"{current}\"", "A stale edit ");
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("\"abc\"")]
    [InlineData("\"0\"")]
    public async Task an_if_match_that_is_not_a_revision_etag_is_400_naming_it(string value)
    {
        var response = await ReviseAsync(value);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("if-Match", out _) || problem.GetProperty("errors").TryGetProperty("If-Match", out _), problem.ToString());
    }
}
