using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using EventHistory.Access;
using EventHistory.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Api.Tests;

/// Every endpoint the app maps under /api/items/{id}, called on an archived item with an admin's
/// key and a request that would otherwise succeed: 410 Gone and no event appended. A GET with
/// ?includeArchived=true is the one way through; a write never is. Built from EndpointDataSource
/// like the authorization matrix, so a route added later is covered without being named here.
public sealed class ArchiveMatrixTests(ApiServer server) : IClassFixture<ApiServer>
{
    private const string SourceUrl = "https://www.reuters.com/article/sanchi-tanker";

    /// Requests that would succeed on a live item, by method and the route below /api/items/{id};
    /// an endpoint not named here gets an empty JSON object when it takes a body.
    private static readonly Dictionary<string, Func<HttpRequestMessage, HttpRequestMessage>> Samples = new()
    {
        ["POST /headline"] = r => Json(r, new { headline = "Sanchi sinks after a week ablaze ", reason = "archived edit" }),
        ["POST /summary"] = r => Json(r, new { summary = "The tanker sank.", reason = "archived edit" }),
        ["POST /sources"] = r => Json(r, new { name = "BBC", url = "https://www.bbc.co.uk/news/world-asia-42722266" }),
        ["DELETE /sources"] = r => Query(r, $"url={Uri.EscapeDataString(SourceUrl)}&reason=archived%20edit"),
        ["POST /related"] = r => Json(r, new { path = "/news/2018/01/07/sanchi-collides.md", context = "Before", headline = "Sanchi collides " }),
        ["DELETE /related"] = r => Query(r, "path=/news/2018/01/07/sanchi-collides.md"),
        ["PUT /topic"] = r => Json(r, new { topic = "Shipping", reason = "archived edit" }),
        ["POST /revert"] = r => Json(r, new { revision = 1, reason = "archived edit" }),
        ["POST /retract"] = r => Json(r, new { reason = "archived edit" }),
        ["POST /restore"] = r => Json(r, new { reason = "archived edit" }),
        ["PUT /sources/{source}/text"] = r =>
        {
            r.Content = new StringContent("January 14, 2018\n\nThe Sanchi sank on Sunday.\n", Encoding.UTF8);
            r.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain; charset=utf-8");
            return r;
        },
        ["GET /diff"] = r => Query(r, "from=1&to=2"),
        ["GET /sources/{source}/texts/diff"] = r => Query(r, "from=1&to=1"),
        ["GET /timegate"] = r =>
        {
            r.Headers.TryAddWithoutValidation("Accept-Datetime", "Thu, 01 Jan 2037 00:00:00 GMT");
            return r;
        },
    };

    [Fact]
    public async Task every_item_endpoint_answers_410_on_an_archived_item_and_appends_nothing()
    {
        var (id, admin) = await ArchivedItemAsync();
        using var _ = admin;
        var endpoints = ItemEndpoints();
        var wrong = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var before = await EventsAsync();
            using var request = Request(endpoint, id, includeArchived: false);
            using var response = await admin.SendAsync(request);
            var appended = await EventsAsync() - before;
            var problem = response.Content.Headers.ContentType?.MediaType;
            if (response.StatusCode != HttpStatusCode.Gone || problem != "application/problem+json" || appended != 0)
                wrong.Add($"{endpoint}: got {(int)response.StatusCode} {problem}, {appended} event(s) appended; expected 410 problem+json, none");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task include_archived_lets_reads_through_but_never_a_write()
    {
        var (id, admin) = await ArchivedItemAsync();
        using var _ = admin;
        var wrong = new List<string>();
        foreach (var endpoint in ItemEndpoints())
        {
            var before = await EventsAsync();
            using var request = Request(endpoint, id, includeArchived: true);
            using var response = await admin.SendAsync(request);
            var appended = await EventsAsync() - before;
            var got = response.StatusCode;
            var ok = endpoint.Method == "GET"
                ? got != HttpStatusCode.Gone && (int)got < 500
                : got == HttpStatusCode.Gone && appended == 0;
            if (!ok) wrong.Add($"{endpoint}?includeArchived=true: got {(int)got}, {appended} event(s) appended");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task a_write_that_would_be_refused_on_a_live_item_is_410_on_an_archived_one()
    {
        // These never reach an append (an empty body, a missing query), whose guard refuses an
        // archived item: the archive check is asked after they fail.
        var (id, admin) = await ArchivedItemAsync();
        using var _ = admin;
        var wrong = new List<string>();
        foreach (var endpoint in ItemEndpoints().Where(e => e.Method != "GET"))
        {
            var before = await EventsAsync();
            var path = Request(endpoint, id, includeArchived: false).RequestUri!.ToString().Split('?')[0];
            using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path)
                { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            using var response = await admin.SendAsync(request);
            var appended = await EventsAsync() - before;
            if (response.StatusCode != HttpStatusCode.Gone || appended != 0)
                wrong.Add($"{endpoint} with an empty body: got {(int)response.StatusCode}, {appended} event(s) appended");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task an_edit_of_a_live_item_costs_its_key_check_and_one_batch_with_no_archive_query()
    {
        var created = await server.Client.PostAsJsonAsync("/api/items", new
        {
            date = "2018-01-14", headline = "Sanchi burns ", summary = "The Iranian tanker is ablaze.",
            sources = new[] { new { name = "Reuters", url = SourceUrl } },
        });
        var location = created.Headers.Location!.ToString();
        using var sql = new SqlCommands(server.Anonymous.BaseAddress!.ToString());
        var edit = Json(new HttpRequestMessage(HttpMethod.Post, $"{location}/summary"), new { summary = "The tanker still burns.", reason = "news" });
        edit.Headers.Authorization = server.Client.DefaultRequestHeaders.Authorization;
        edit.Headers.TryAddWithoutValidation("If-Match", "\"1\"");

        var (status, body, commands) = await sql.SendAsync(edit);

        Assert.True(status == 200, body);
        // The key's check, then one batch: the guard (which refuses an archived item under its lock),
        // Marten's append, the chain, the projections and the commit. The state is remembered.
        Assert.Equal(2, commands);
    }

    /// The endpoints under /api/items/{id}, checked to include the ones this test was written against.
    private List<CatalogedEndpoint> ItemEndpoints()
    {
        // Retract then restore last, so without the archive check every sample before them would succeed.
        var endpoints = EndpointCatalog.Of(server.App).Where(e => e.Template.StartsWith("/api/items/{id", StringComparison.Ordinal))
            .OrderBy(e => e.Template.EndsWith("/retract", StringComparison.Ordinal) ? 1 : e.Template.EndsWith("/restore", StringComparison.Ordinal) ? 2 : 0)
            .ToList();
        foreach (var known in new[] { "GET /api/items/{id}", "POST /api/items/{id}/summary", "GET /api/items/{id}/diff",
                     "GET /api/items/{id}/timemap", "GET /api/items/{id}/changes", "POST /api/items/{id}/archive",
                     "PUT /api/items/{id}/sources/{source}/text" })
            Assert.Contains(endpoints, e => e.ToString() == known);
        return endpoints;
    }

    /// A live item with two revisions, a source, a related item and a captured source text, then archived.
    private async Task<(Guid, HttpClient)> ArchivedItemAsync()
    {
        var created = await server.Client.PostAsJsonAsync("/api/items", new
        {
            date = "2018-01-14", headline = "Sanchi sinks ", summary = "The Iranian tanker burned for a week.",
            sources = new[] { new { name = "Reuters", url = SourceUrl } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsJsonAsync($"{location}/headline", new { headline = "Sanchi sank " })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsJsonAsync($"{location}/related",
            new { path = "/news/2018/01/07/sanchi-collides.md", context = "Earlier", headline = "Sanchi collides " })).StatusCode);
        var text = new StringContent("January 14, 2018\n\nThe Sanchi burned.\n", Encoding.UTF8);
        text.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain; charset=utf-8");
        Assert.Equal(HttpStatusCode.Created, (await server.Client.PutAsync($"{location}/sources/1/text", text)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.PostAsync($"{location}/archive", null)).StatusCode);

        var keys = server.App.Services.GetRequiredService<ApiKeys>();
        var admin = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Anonymous.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await keys.CreateAsync("archive-admin-" + Guid.NewGuid().ToString("N")[..8], Role.Admin));
        return (Guid.Parse(location.Split('/')[^1]), admin);
    }

    /// The catalog's path with our item's id (and its first source) in place, plus the sample for the route.
    private static HttpRequestMessage Request(CatalogedEndpoint endpoint, Guid id, bool includeArchived)
    {
        var template = endpoint.Template.Split('/');
        var path = endpoint.Path.Split('/');
        Assert.Equal(template.Length, path.Length);
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i].StartsWith("{id", StringComparison.Ordinal)) path[i] = id.ToString();
            else if (template[i] == "{source}") path[i] = "1";
        }
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), string.Join('/', path));
        var route = endpoint.Template[endpoint.Template.IndexOf('}', StringComparison.Ordinal)..].TrimStart('}');
        if (Samples.TryGetValue($"{endpoint.Method} {route}", out var sample)) sample(request);
        else if (endpoint.Method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        if (includeArchived) Query(request, "includeArchived=true");
        return request;
    }

    private static HttpRequestMessage Json(HttpRequestMessage request, object body)
    {
        request.Content = JsonContent.Create(body);
        return request;
    }

    private static HttpRequestMessage Query(HttpRequestMessage request, string query)
    {
        var uri = request.RequestUri!.ToString();
        request.RequestUri = new Uri(uri + (uri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query, UriKind.Relative);
        return request;
    }

    private async Task<long> EventsAsync() => await server.Db.ScalarAsync("select count(*) from mt_events");
}
