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

    /// Requests until the first 429 (at most 200), and how long they took: the bucket refills one a
    /// second, so on a slow machine more than the burst get through, never fewer.
    private static async Task<(List<HttpResponseMessage> Responses, TimeSpan Took)> UntilThrottledAsync(HttpClient client)
    {
        var responses = new List<HttpResponseMessage>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (responses.Count < 200 && responses.LastOrDefault()?.StatusCode != HttpStatusCode.TooManyRequests)
            responses.Add(await client.GetAsync($"/api/items/{Guid.NewGuid()}"));
        return (responses, clock.Elapsed);
    }

    [Fact]
    public async Task a_key_over_its_limit_gets_429_with_retry_after_while_another_key_is_served()
    {
        var (responses, took) = await UntilThrottledAsync(server.Reader);
        var first = responses[^1];

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        // The burst of 5, then one more for each second the requests took (and one for a refill
        // that fell between the clock's reads).
        Assert.All(responses.Take(5), r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.InRange(responses.Count - 1, 5, 5 + (int)Math.Ceiling(took.TotalSeconds) + 1);
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
