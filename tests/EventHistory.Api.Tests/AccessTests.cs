using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventHistory.Api.Tests;

public sealed class AccessTests(ApiServer server) : IClassFixture<ApiServer>
{
    private static object NewItem => new { date = "2018-01-10", headline = "China says no major oil spill has been detected after Sanchi disaster " };

    [Fact]
    public async Task a_write_without_a_key_is_401_and_appends_nothing()
    {
        var response = await server.Anonymous.PostAsJsonAsync("/api/items", NewItem);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(0L, await server.Db.ScalarAsync("select count(*) from mt_events where user_name is null"));
    }

    [Fact]
    public async Task an_unknown_key_is_401_and_a_reader_key_is_403_for_writes()
    {
        using var forged = new HttpClient { BaseAddress = server.Anonymous.BaseAddress };
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "ehk_not-a-real-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.PostAsJsonAsync("/api/items", NewItem)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Reader.PostAsJsonAsync("/api/items", NewItem)).StatusCode);
    }

    [Fact]
    public async Task the_audit_trail_records_the_keys_name_whatever_the_client_claims()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/items") { Content = JsonContent.Create(NewItem) };
        request.Headers.Add("X-User", "someone-else");
        var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var history = await server.Anonymous.GetFromJsonAsync<JsonElement[]>($"{response.Headers.Location}/revisions");
        Assert.Equal("test-editor", history![0].GetProperty("editor").GetString());
    }
}
