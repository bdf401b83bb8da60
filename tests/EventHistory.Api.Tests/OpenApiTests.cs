using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;

namespace EventHistory.Api.Tests;

public sealed class OpenApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    [Fact]
    public async Task the_document_lists_every_route_the_app_maps_with_its_methods()
    {
        var document = await server.Reader.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        await using var app = await ApiHost.BuildAsync(["--EVENTHISTORY_DB", server.Db.ConnectionString]);
        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => !e.RoutePattern.RawText!.StartsWith("/openapi/", StringComparison.Ordinal)).ToList();
        Assert.True(routes.Count >= 20, $"only {routes.Count} routes found");

        foreach (var route in routes)
        {
            var path = Regex.Replace("/" + route.RoutePattern.RawText!.Trim('/'), @"\{\**([^}:?=]+)[^}]*\}", "{$1}");
            Assert.True(paths.TryGetProperty(path, out var operations), $"{path} is missing from the OpenAPI document");
            foreach (var method in route.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                Assert.True(operations.TryGetProperty(method.ToLowerInvariant(), out _), $"{method} {path} is missing from the OpenAPI document");
        }
    }

    [Fact]
    public async Task the_document_follows_the_read_policy()
    {
        var response = await server.Anonymous.GetAsync("/openapi/v1.json");
        Assert.True(response.IsSuccessStatusCode, "reads are open by default");
    }
}
