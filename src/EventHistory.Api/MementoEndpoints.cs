using EventHistory.NewsItems;
using MediatR;

namespace EventHistory.Api;

/// RFC 7089 for every item: the original resource is /api/items/{id}, its mementos are its
/// revisions, and a memento's datetime is the edit clock (EditedAt), not the store's clock.
public static class MementoEndpoints
{
    public const string LinkFormat = "application/link-format";

    public static void MapMementos(this RouteGroupBuilder item)
    {
        item.MapGet("/timegate", async (Guid id, IMediator m, HttpContext http, CancellationToken ct) =>
        {
            var at = QueryParameters.HttpDate(http.Request.Headers["Accept-Datetime"].FirstOrDefault(), "accept-datetime");
            var memento = await m.Send(new Mementos.TimeGate(id, at), ct);
            var uris = new Uris(ChangeEndpoints.BaseUri(http), id);
            http.Response.Headers.Vary = "accept-datetime";
            http.Response.Headers.Link = string.Join(", ",
                $"<{uris.Original}>; rel=\"original\"",
                $"<{uris.TimeMap}>; rel=\"timemap\"; type=\"{LinkFormat}\"",
                $"<{uris.Revision(memento.Revision)}>; rel=\"memento\"; datetime=\"{QueryParameters.HttpDate(memento.Datetime)}\"");
            return Results.Redirect(uris.Revision(memento.Revision));
        }).WithName("GetTimeGate").WithSummary("Redirect to the revision in force at Accept-Datetime (RFC 7089)").Produces(302).ProducesProblem(404);

        item.MapGet("/timemap", async (Guid id, IMediator m, HttpContext http, CancellationToken ct) =>
        {
            var mementos = await m.Send(new Mementos.TimeMap(id), ct);
            var uris = new Uris(ChangeEndpoints.BaseUri(http), id);
            var links = new List<string>
            {
                $"<{uris.Original}>; rel=\"original\"",
                $"<{uris.TimeGate}>; rel=\"timegate\"",
                $"<{uris.TimeMap}>; rel=\"self\"; type=\"{LinkFormat}\"; from=\"{QueryParameters.HttpDate(mementos[0].Datetime)}\"; until=\"{QueryParameters.HttpDate(mementos[^1].Datetime)}\"",
            };
            for (var i = 0; i < mementos.Count; i++)
            {
                var rel = (i == 0 ? "first " : "") + (i == mementos.Count - 1 ? "last " : "") + "memento";
                links.Add($"<{uris.Revision(mementos[i].Revision)}>; rel=\"{rel}\"; datetime=\"{QueryParameters.HttpDate(mementos[i].Datetime)}\"");
            }
            return HttpCaching.Text(http, Caching.Revalidated, string.Join(",\n", links) + "\n", $"{LinkFormat}; charset=utf-8");
        }).WithName("GetTimeMap").WithSummary("Every revision with its datetime (RFC 7089)").Produces<string>(200, LinkFormat).ProducesProblem(404)
            .Revalidated("A hash of the timemap: it changes with every revision added.");
    }

    /// The original resource names its TimeGate and TimeMap (RFC 7089 section 5.1).
    public static void AddOriginalHeaders(HttpContext http, Guid id)
    {
        var uris = new Uris(ChangeEndpoints.BaseUri(http), id);
        http.Response.Headers.Link = $"<{uris.TimeGate}>; rel=\"timegate\", <{uris.TimeMap}>; rel=\"timemap\"; type=\"{LinkFormat}\"";
    }

    /// Memento-Datetime and Link on a revision response. A revision is immutable (cached for a year), so
    /// its Link names only what never changes: the first and the previous memento. The last and the
    /// next change as revisions are added (RFC 7089 makes them optional); the timemap names them.
    public static async Task AddMementoHeadersAsync(HttpContext http, IMediator m, Guid id, long revision, CancellationToken ct)
    {
        var around = await m.Send(new Mementos.Neighbours(id, revision), ct);
        var uris = new Uris(ChangeEndpoints.BaseUri(http), id);
        string Memento(string rel, Mementos.Memento x) => $"<{uris.Revision(x.Revision)}>; rel=\"{rel}\"; datetime=\"{QueryParameters.HttpDate(x.Datetime)}\"";
        var links = new List<string>
        {
            $"<{uris.Original}>; rel=\"original\"",
            $"<{uris.TimeGate}>; rel=\"timegate\"",
            $"<{uris.TimeMap}>; rel=\"timemap\"; type=\"{LinkFormat}\"",
            Memento("first memento", around.First),
        };
        if (around.Prev is { } prev) links.Add(Memento("prev memento", prev));
        http.Response.Headers["Memento-Datetime"] = QueryParameters.HttpDate(around.Self.Datetime);
        http.Response.Headers.Link = string.Join(", ", links);
    }

    private sealed record Uris(string Base, Guid Id)
    {
        public string Original => $"{Base}/api/items/{Id}";
        public string TimeGate => $"{Original}/timegate";
        public string TimeMap => $"{Original}/timemap";
        public string Revision(long n) => $"{Original}/revisions/{n}";
    }
}
