using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventHistory.Api.Tests;

/// Each key has its own bucket; an exhausted one gets 429 with Retry-After, and the others go on.
public sealed class RateLimitTests(RateLimitTests.Throttled server) : IClassFixture<RateLimitTests.Throttled>
{
    public sealed class Throttled : ApiServer
    {
        protected override IEnumerable<string> Settings => ["--EVENTHISTORY_RATE_PER_SECOND", "1", "--EVENTHISTORY_RATE_BURST", "5"];
    }

    private static async Task<List<HttpResponseMessage>> BurstAsync(HttpClient client, int count)
    {
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < count; i++) responses.Add(await client.GetAsync($"/api/items/{Guid.NewGuid()}"));
        return responses;
    }

    [Fact]
    public async Task a_key_over_its_limit_gets_429_with_retry_after_while_another_key_is_served()
    {
        var responses = await BurstAsync(server.Reader, 12);
        var throttled = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();

        Assert.InRange(throttled.Count, 5, 7);
        Assert.All(responses.Take(5), r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        var first = throttled[0];
        Assert.Equal("application/problem+json", first.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
        Assert.True(first.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {first.Headers.RetryAfter}");

        Assert.Equal(HttpStatusCode.NotFound, (await server.Admin.GetAsync($"/api/items/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task health_endpoints_are_never_throttled_and_need_no_key()
    {
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Anonymous.GetAsync("/health/live")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await server.Anonymous.GetAsync("/health/ready")).StatusCode);
        }
    }
}
