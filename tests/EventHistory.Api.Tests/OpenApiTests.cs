using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
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
        var all = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => !e.RoutePattern.RawText!.StartsWith("/openapi/", StringComparison.Ordinal)).ToList();
        // Only the browser's pages are left out, and only by their group's tag.
        foreach (var excluded in all.Where(EndpointCatalog.IsLeftOutOfTheDocument))
            Assert.True(EndpointCatalog.IsWebPage(excluded), $"{excluded.RoutePattern.RawText} is left out of the OpenAPI document but is not a web page");
        var routes = all.Where(e => !EndpointCatalog.IsLeftOutOfTheDocument(e)).ToList();
        Assert.True(routes.Count >= 20, $"only {routes.Count} routes found");

        foreach (var route in routes)
        {
            var path = OpenApiPath(route.RoutePattern.RawText!);
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

    [Fact]
    public async Task every_operation_has_a_summary_and_an_operation_id_that_is_a_csharp_method_name()
    {
        var ids = new List<string>();
        foreach (var (name, operation) in Operations(await Document()))
        {
            var id = operation["operationId"]?.GetValue<string>();
            Assert.True(id is not null && Regex.IsMatch(id, "^[A-Z][A-Za-z0-9]*$"), $"{name} has operation id '{id}'");
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{name} has no summary");
            ids.Add(id!);
        }
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    /// Every status an endpoint answers, to nobody, to a reader, to an admin, and about an archived
    /// item, is one its operation documents, with a problem body where it is a problem.
    [Fact]
    public async Task every_status_an_endpoint_answers_is_documented()
    {
        var document = await Document();
        var archived = await CreateItemAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.PostAsync($"/api/items/{archived}/archive", null)).StatusCode);
        var callers = new[] { ("nobody", NoRedirects(server.Anonymous)), ("a reader", NoRedirects(server.Reader)), ("an admin", NoRedirects(server.Admin)) };
        var undocumented = new List<string>();
        var checkedCalls = 0;
        foreach (var endpoint in EndpointCatalog.Of(server.App).Where(e => !e.Template.StartsWith("/openapi/", StringComparison.Ordinal) && !e.IsWebPage))
        {
            var operation = document["paths"]![OpenApiPath(endpoint.Template)]![endpoint.Method.ToLowerInvariant()]!.AsObject();
            var onArchived = Regex.Replace(endpoint.Path, "^/api/items/[0-9a-f-]{36}", $"/api/items/{archived}");
            foreach (var (who, client) in callers)
                foreach (var path in new[] { endpoint.Path, onArchived }.Distinct())
                {
                    using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(endpoint.Method), path));
                    checkedCalls++;
                    var code = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (operation["responses"]?[code] is not { } documented)
                        undocumented.Add($"{endpoint} answers {code} to {who} at {path}");
                    else if ((int)response.StatusCode >= 400 && documented["content"]?["application/problem+json"] is null)
                        undocumented.Add($"{endpoint}'s {code} has no problem body in the document");
                }
        }
        Assert.True(checkedCalls > 100, $"only {checkedCalls} calls");
        Assert.True(undocumented.Count == 0, string.Join("\n", undocumented));
    }

    [Fact]
    public async Task writes_name_the_bearer_scheme_and_open_reads_do_not()
    {
        var document = await Document();
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]!.GetValue<string>());
        foreach (var (name, operation) in Operations(document))
        {
            var secured = operation["security"]?.AsArray().Any(r => r!["Bearer"] is not null) == true;
            var write = !name.StartsWith("get ", StringComparison.Ordinal);
            Assert.True(secured == write, $"{name}: security {(secured ? "required" : "not required")}");
            Assert.True((operation["responses"]!["401"] is not null) == write, $"{name}: 401 {(write ? "missing" : "documented on an open read")}");
        }
    }

    [Fact]
    public async Task edits_take_if_match_and_idempotency_key_and_document_the_conflict_and_the_etag()
    {
        var document = await Document();
        var edit = document["paths"]!["/api/items/{id}/headline"]!["post"]!;
        var headers = edit["parameters"]!.AsArray().Where(p => p!["in"]!.GetValue<string>() == "header").Select(p => p!["name"]!.GetValue<string>());
        Assert.Equal(["Idempotency-Key", "If-Match"], headers.Order());
        Assert.Equal("#/components/schemas/ConflictProblemDetails",
            edit["responses"]!["409"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(edit["responses"]!["200"]!["headers"]!["ETag"]);
        var conflict = document["components"]!["schemas"]!["ConflictProblemDetails"]!;
        Assert.Equal("integer", conflict["properties"]!["currentRevision"]!["type"]!.GetValue<string>());
        Assert.NotNull(document["components"]!["schemas"]!["ValidationProblemDetails"]!["properties"]!["errors"]);

        var create = document["paths"]!["/api/items"]!["post"]!["responses"]!;
        Assert.Null(create["200"]);
        Assert.NotNull(create["201"]!["headers"]!["Location"]);
        Assert.NotNull(create["201"]!["headers"]!["ETag"]);

        // What the document promises, the service sends.
        using var created = await server.Client.PostAsJsonAsync("/api/items", new { date = "2017-07-30", headline = "A headline" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        Assert.NotNull(created.Headers.Location);
    }

    [Fact]
    public async Task reads_take_a_consistency_token_and_name_their_source_and_writes_answer_one()
    {
        var document = await Document();
        var read = document["paths"]!["/api/items/{id}"]!["get"]!;
        Assert.Contains(read["parameters"]!.AsArray(), p => p!["in"]!.GetValue<string>() == "header" && p["name"]!.GetValue<string>() == "Consistency-Token");
        Assert.NotNull(read["responses"]!["200"]!["headers"]!["Read-Source"]);
        Assert.NotNull(document["paths"]!["/api/items/{id}/headline"]!["post"]!["responses"]!["200"]!["headers"]!["Consistency-Token"]);
        var health = document["paths"]!.AsObject().Where(p => p.Key.StartsWith("/health", StringComparison.Ordinal)).ToList();
        Assert.All(health, h => Assert.Null(h.Value!["get"]!["responses"]!["200"]?["headers"]?["Read-Source"]));
    }

    /// A body without one of its required fields is refused naming that field; a body with only its
    /// required fields is not refused for want of another.
    [Fact]
    public async Task each_request_body_requires_exactly_what_the_service_refuses_to_go_without()
    {
        var document = await Document();
        var schemas = document["components"]!["schemas"]!;
        var bodies = 0;
        foreach (var (name, operation) in Operations(document))
        {
            var reference = operation["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>();
            if (reference is null) continue;
            bodies++;
            var schemaName = reference.Split('/')[^1];
            var schema = schemas[schemaName]!;
            var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToList() ?? [];
            Assert.All(required, field => Assert.True(schema["properties"]![field] is not null, $"{name} requires unknown '{field}'"));
            var (method, template) = (name.Split(' ')[0], name.Split(' ')[1]);
            var path = template.Replace("{id}", (await CreateItemAsync()).ToString());

            var minimal = new JsonObject(required.Select(f => KeyValuePair.Create(f, ValueFor(schemaName, f))));
            using (var response = await SendAsync(method, path, minimal))
                Assert.True(response.StatusCode != HttpStatusCode.BadRequest, $"{name} with only {string.Join(", ", required)}: {await response.Content.ReadAsStringAsync()}");
            foreach (var field in required)
            {
                var without = new JsonObject(required.Where(f => f != field).Select(f => KeyValuePair.Create(f, ValueFor(schemaName, f))));
                using var response = await SendAsync(method, template.Replace("{id}", (await CreateItemAsync()).ToString()), without);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name} without '{field}': {(int)response.StatusCode} {body}");
                var errors = JsonNode.Parse(body)!["errors"]!.AsObject().Select(e => e.Key);
                Assert.Contains(field, errors, StringComparer.OrdinalIgnoreCase);
            }
        }
        Assert.True(bodies >= 10, $"only {bodies} JSON request bodies");
    }

    private Task<HttpResponseMessage> SendAsync(string method, string path, JsonObject body) =>
        // Page imports need an editor, retract and restore an admin: the admin may do all.
        server.Admin.SendAsync(new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path) { Content = JsonContent.Create(body) });

    private const string ImportedPage = "/news/2017/07/30/russian-president-vladimir-putin-expels-755-u-s-diplomats-in-response-to-new-sanctions-imposed-by-the-united-states.md";

    /// A valid value for each field a body may require.
    private static JsonNode? ValueFor(string schema, string field) => (schema, field) switch
    {
        ("PageBody", "path") => ImportedPage,
        ("PageBody", "text") => File.ReadAllText(EventHistory.Testing.Corpus.PathOf("en" + ImportedPage)),
        (_, var other) => ValueFor(other),
    };

    private static JsonNode? ValueFor(string field) => field switch
    {
        "date" => "2017-07-30",
        "headline" => "Putin expels 755 United States diplomats",
        "name" => "Al Jazeera",
        "url" => "http://www.aljazeera.com/news/2017/07/x.html",
        "path" => "/news/2017/07/30/some-other-item.md",
        "revision" => 1,
        "reason" => "a reason",
        _ => throw new InvalidOperationException($"Give the test a valid value for a required '{field}'."),
    };

    private async Task<Guid> CreateItemAsync()
    {
        using var response = await server.Client.PostAsJsonAsync("/api/items", new { date = "2017-07-30", headline = "An item" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("itemId").GetGuid();
    }

    private async Task<JsonNode> Document() => JsonNode.Parse(await server.Reader.GetStringAsync("/openapi/v1.json"))!;

    private static IEnumerable<(string Name, JsonObject Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(op => ($"{op.Key} {path.Key}", op.Value!.AsObject())));

    private static string OpenApiPath(string template) => Regex.Replace("/" + template.Trim('/'), @"\{\**([^}:?=]+)[^}]*\}", "{$1}");

    /// The same caller without following redirects, so a 301 or 302 is seen as such.
    private static HttpClient NoRedirects(HttpClient client)
    {
        var copy = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = client.BaseAddress };
        copy.DefaultRequestHeaders.Authorization = client.DefaultRequestHeaders.Authorization;
        return copy;
    }
}

/// With EVENTHISTORY_OPEN_READS=false the reader policy needs a key, and the document says so.
public sealed class OpenApiWithClosedReadsTests(AuthorizationMatrixWithClosedReadsTests.ClosedReads server)
    : IClassFixture<AuthorizationMatrixWithClosedReadsTests.ClosedReads>
{
    [Fact]
    public async Task every_operation_but_health_needs_the_bearer_key()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        var document = JsonNode.Parse(await server.Reader.GetStringAsync("/openapi/v1.json"))!;
        foreach (var (path, operations) in document["paths"]!.AsObject())
            foreach (var (method, operation) in operations!.AsObject())
            {
                var health = path.StartsWith("/health/", StringComparison.Ordinal);
                Assert.True((operation!["security"] is not null) == !health, $"{method} {path}");
                Assert.True((operation["responses"]!["401"] is not null) == !health, $"{method} {path}: 401");
                // Every key may read, so a read is never a 403.
                if (method == "get") Assert.Null(operation["responses"]!["403"]);
            }
    }
}
