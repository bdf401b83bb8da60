using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EventHistory.Api.Tests;

/// When LostConnectionRetry runs a request again: never once a write's endpoint has begun (it may
/// have written), never after a failure to connect, and at most once. The pipeline here is a stand-in
/// that fails as told; LostConnectionTests shows the same against a real PostgreSQL.
public sealed class LostConnectionRetryTests
{
    private static readonly Exception Lost = new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01");
    private static readonly Exception Refused = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));

    [Theory]
    [InlineData("GET", false)]
    [InlineData("HEAD", false)]
    [InlineData("GET", true)]
    [InlineData("POST", false)]
    [InlineData("PUT", false)]
    [InlineData("DELETE", false)]
    public async Task a_request_that_could_not_have_written_runs_once_more_and_answers(string method, bool inEndpoint)
    {
        var (runs, http) = await RunAsync(method, inEndpoint, failures: [Lost]);
        Assert.Equal(2, runs);
        Assert.Equal(200, http.Response.StatusCode);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task a_write_whose_endpoint_had_begun_is_not_run_again(string method)
    {
        var failure = await Assert.ThrowsAsync<PostgresException>(() => RunAsync(method, inEndpoint: true, failures: [Lost]));
        Assert.Equal("57P01", failure.SqlState);
    }

    [Fact]
    public async Task a_server_that_refuses_connections_is_not_asked_again_at_once() =>
        await Assert.ThrowsAsync<NpgsqlException>(() => RunAsync("GET", inEndpoint: false, failures: [Refused]));

    [Fact]
    public async Task a_request_is_run_again_at_most_once() =>
        await Assert.ThrowsAsync<PostgresException>(() => RunAsync("GET", inEndpoint: true, failures: [Lost, Lost]));

    /// Runs a request through the middleware, its pipeline failing with each of <paramref name="failures"/>
    /// in turn (before the endpoint, or in it), then answering 200: how many times the pipeline ran.
    private static async Task<(int Runs, HttpContext Http)> RunAsync(string method, bool inEndpoint, Exception[] failures)
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = method;
        var runs = 0;
        RequestDelegate endpoint = h =>
        {
            if (runs <= failures.Length && inEndpoint) throw failures[runs - 1];
            h.Response.StatusCode = 200;
            return Task.CompletedTask;
        };
        RequestDelegate pipeline = h =>
        {
            runs++;
            if (runs <= failures.Length && !inEndpoint) throw failures[runs - 1];
            return LostConnectionRetry.MarkEndpointBegan(h, endpoint);
        };
        var retry = new LostConnectionRetry(pipeline, services.GetRequiredService<IServiceScopeFactory>(), NullLogger<LostConnectionRetry>.Instance);
        await retry.InvokeAsync(http);
        return (runs, http);
    }
}
