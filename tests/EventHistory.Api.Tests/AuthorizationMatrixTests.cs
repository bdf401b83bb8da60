using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EventHistory.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Api.Tests;

/// Every endpoint the app maps, called with no key, a reader's, an editor's and an admin's key:
/// 401 and 403 exactly where its policy says, never elsewhere.
public abstract class AuthorizationMatrix(ApiServer server, bool openReads)
{
    private static readonly string[] Callers = ["no key", "reader", "editor", "admin"];

    /// What a caller must get: 401, 403 or anything else (null). A browser's page refused for want of a
    /// session sends it to sign in (302) rather than answering the API's 401.
    private HttpStatusCode? Expected(Needs needs, string caller, bool webPage) => (needs, caller) switch
    {
        (Needs.NoKey, _) => null,
        (_, "no key") when needs == Needs.Read && openReads => null,
        (_, "no key") when webPage => HttpStatusCode.Found,
        (_, "no key") => HttpStatusCode.Unauthorized,
        (Needs.Read, _) => null,
        (Needs.Edit, "reader") => HttpStatusCode.Forbidden,
        (Needs.Edit, _) => null,
        (Needs.Admin, "admin") => null,
        (Needs.Admin, _) => HttpStatusCode.Forbidden,
        _ => throw new ArgumentOutOfRangeException(nameof(needs)),
    };

    [Fact]
    public void every_endpoint_declares_one_of_our_policies()
    {
        var endpoints = EndpointCatalog.Of(server.App);
        Assert.Contains(endpoints, e => e.Method == "POST" && e.Template == "/api/items");
        var undeclared = endpoints.Where(e => e.Problem is not null).ToList();
        Assert.True(undeclared.Count == 0, "Endpoints without a proper policy:\n" + EndpointCatalog.Describe(undeclared));
    }

    [Fact]
    public async Task every_endpoint_answers_401_and_403_exactly_as_its_policy_says()
    {
        var keys = server.App.Services.GetRequiredService<ApiKeys>();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var clients = new Dictionary<string, HttpClient>
        {
            ["no key"] = ClientWith(null),
            ["reader"] = ClientWith(await keys.CreateAsync("matrix-reader-" + suffix, Role.Reader)),
            ["editor"] = ClientWith(await keys.CreateAsync("matrix-editor-" + suffix, Role.Editor)),
            ["admin"] = ClientWith(await keys.CreateAsync("matrix-admin-" + suffix, Role.Admin)),
        };
        var wrong = new List<string>();
        foreach (var endpoint in EndpointCatalog.Of(server.App).Where(e => e.Needs is not null))
        {
            foreach (var caller in Callers)
            {
                using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path);
                if (endpoint.Method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                using var response = await clients[caller].SendAsync(request);
                var expected = Expected(endpoint.Needs!.Value, caller, endpoint.IsWebPage);
                var got = response.StatusCode;
                var ok = expected is { } status ? got == status : got is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
                if (!ok) wrong.Add($"{endpoint} as {caller} ({endpoint.Path}): got {(int)got}, expected {(expected is null ? "not 401/403" : ((int)expected).ToString())}");
                if (got is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        foreach (var client in clients.Values) client.Dispose();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private HttpClient ClientWith(string? key)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Anonymous.BaseAddress };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}

public sealed class AuthorizationMatrixTests(ApiServer server) : AuthorizationMatrix(server, openReads: true), IClassFixture<ApiServer>;

public sealed class AuthorizationMatrixWithClosedReadsTests(AuthorizationMatrixWithClosedReadsTests.ClosedReads server)
    : AuthorizationMatrix(server, openReads: false), IClassFixture<AuthorizationMatrixWithClosedReadsTests.ClosedReads>
{
    public sealed class ClosedReads : ApiServer
    {
        protected override IEnumerable<string> Settings => ["--EVENTHISTORY_OPEN_READS", "false"];
    }
}

/// The catalog itself must catch what the matrix relies on it to catch.
public sealed class EndpointCatalogTests
{
    private static RouteEndpoint Endpoint(string template, params object[] metadata) =>
        new(_ => Task.CompletedTask, RoutePatternFactory.Parse(template), 0, new EndpointMetadataCollection(metadata), template);

    [Fact]
    public void an_endpoint_without_a_policy_is_reported()
    {
        var endpoint = EndpointCatalog.Describe(Endpoint("/api/new-thing", new HttpMethodMetadata(["POST"])), "POST");
        Assert.Null(endpoint.Needs);
        Assert.Equal("declares no policy", endpoint.Problem);
    }

    [Fact]
    public void an_anonymous_endpoint_outside_health_is_reported()
    {
        var endpoint = EndpointCatalog.Describe(Endpoint("/api/items/{id:guid}/retract",
            new Microsoft.AspNetCore.Authorization.AuthorizeAttribute(Policies.Admin), new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute()), "POST");
        Assert.NotNull(endpoint.Problem);
    }

    [Fact]
    public void a_role_instead_of_a_policy_is_reported()
    {
        var endpoint = EndpointCatalog.Describe(Endpoint("/api/x", new Microsoft.AspNetCore.Authorization.AuthorizeAttribute { Roles = "admin" }), "GET");
        Assert.NotNull(endpoint.Problem);
    }

    [Fact]
    public void a_groups_read_under_an_endpoints_edit_needs_edit()
    {
        var endpoint = EndpointCatalog.Describe(Endpoint("/api/items",
            new Microsoft.AspNetCore.Authorization.AuthorizeAttribute(Policies.Read), new Microsoft.AspNetCore.Authorization.AuthorizeAttribute(Policies.Edit)), "POST");
        Assert.Equal(Needs.Edit, endpoint.Needs);
    }

    [Theory]
    [InlineData("/api/items/{id:guid}/revisions/{revision:long}", "^/api/items/[0-9a-f-]{36}/revisions/1$")]
    [InlineData("/api/days/{date}", "^/api/days/2018-01-10$")]
    [InlineData("/pages/{**path}", "^/pages/news/2018/01/10/some-item.md$")]
    [InlineData("/api/items/{id:guid}/diff/{from:long:min(1)}/{to:long}", "^/api/items/[0-9a-f-]{36}/diff/1/1$")]
    public void route_templates_never_seen_before_are_filled(string template, string expected) =>
        Assert.Matches(expected, EndpointCatalog.Fill(RoutePatternFactory.Parse(template)));
}
