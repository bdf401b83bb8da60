using EventHistory.Articles;
using EventHistory.NewsItems;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EventHistory.Web;

/// The source articles' captured texts: each source's versions, one version's text, word diffs.
/// Sources are named by their position on the item (1 = first), as the API's routes do.
public static class SourcePages
{
    public static void Map(RouteGroupBuilder web)
    {
        web.MapGet("/items/{id:guid}/sources", (Guid id, HttpContext http, IMediator m, CancellationToken ct) => Html.Guard(http, async ctx =>
        {
            // Two queries whatever the number of sources (not one listing per source).
            var found = await m.Send(new ListItemSourceTexts.Query(id), ct);
            return Html.Page<Components.SourcesPage>(http, new { Ctx = ctx, Item = found.Item, Listings = found.Sources });
        }));

        web.MapGet("/items/{id:guid}/sources/{source:int}/texts/{version:int}", (Guid id, int source, int version, HttpContext http, IMediator m, CancellationToken ct) =>
            Html.Guard(http, async ctx =>
            {
                var item = await m.Send(new GetNewsItem.Query(id), ct);
                var text = await m.Send(new GetSourceText.Query(id, source.ToString(), version), ct);
                return Html.Page<Components.SourceTextPage>(http, new { Ctx = ctx, Item = item, SourceNumber = source, Text = text.Version, Body = ArticleText.Decode(text.Body) });
            }));

        web.MapGet("/items/{id:guid}/sources/{source:int}/diff", (Guid id, int source, int? from, int? to, HttpContext http, IMediator m, CancellationToken ct) =>
            Html.Guard(http, async ctx =>
            {
                var item = await m.Send(new GetNewsItem.Query(id), ct);
                var result = await m.Send(new DiffSourceTexts.Query(id, source.ToString(), from ?? 1, to ?? 2), ct);
                return Html.Page<Components.SourceDiffPage>(http, new { Ctx = ctx, Item = item, SourceNumber = source, Result = result });
            }));
    }
}
