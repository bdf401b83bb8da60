using EventHistory.NewsItems;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EventHistory.Web;

/// An item's history as MediaWiki shows it: the revisions, newest first and paged; one revision's
/// permalink; the side-by-side diff of any two.
public static class HistoryPages
{
    /// Revisions on a page unless ?limit= says otherwise (up to GetHistoryPage.MaxLimit, as MediaWiki
    /// offers 20 to 500): twenty keep the first page about as quick as a one-revision item's.
    public const int PageSize = 20;

    public static void Map(RouteGroupBuilder web)
    {
        web.MapGet("/items/{id:guid}", (Guid id, HttpContext http, IMediator m, CancellationToken ct) => Html.Guard(http, async ctx =>
            Results.Redirect(ctx.Link(WebPaths.Html((await m.Send(new GetNewsItem.Query(id), ct)).Path)))));

        web.MapGet("/items/{id:guid}/history", (Guid id, long? before, int? limit, HttpContext http, IMediator m, CancellationToken ct) => Html.Guard(http, async ctx =>
        {
            var page = await m.Send(new GetHistoryPage.Query(id, before, limit ?? PageSize), ct);
            var item = await m.Send(new GetNewsItem.Query(id), ct);
            return Html.Page<Components.HistoryPage>(http, new { Ctx = ctx, Item = item, History = page, PageSize = limit ?? PageSize });
        }));

        web.MapGet("/items/{id:guid}/revisions/{revision:long}", (Guid id, long revision, HttpContext http, IMediator m, CancellationToken ct) => Html.Guard(http, async ctx =>
        {
            var item = await m.Send(new GetRevision.Query(id, revision), ct);
            // The page of one entry says how many revisions there are, too.
            var page = await m.Send(new GetHistoryPage.Query(id, revision + 1, 1), ct);
            return Html.Page<Components.RevisionPage>(http, new { Ctx = ctx, Item = item, Entry = page.Entries.Single(), Last = page.Revisions });
        }));

        web.MapGet("/items/{id:guid}/diff", (Guid id, long? from, long? to, HttpContext http, IMediator m, CancellationToken ct) => Html.Guard(http, async ctx =>
        {
            // Like MediaWiki's "prev" link: a revision alone is compared with the one before it.
            var b = to ?? (await m.Send(new GetHistoryPage.Query(id, null, 1), ct)).Revisions;
            var a = from ?? Math.Max(1, b - 1);
            var view = await Comparison.LoadAsync(m, id, a, b, ct);
            return Html.Page<Components.DiffPage>(http, new { Ctx = ctx, View = view, Last = view.Last });
        }));
    }
}

/// Two revisions, their history entries and what changed between them: what the diff table shows;
/// <see cref="Last"/> is the item's last revision (for the "next change" link).
public sealed record Comparison(NewsItem From, NewsItem To, GetHistoryPage.Entry FromEntry, GetHistoryPage.Entry ToEntry, GetDiff.ItemDiff Diff, long Last)
{
    public static async Task<Comparison> LoadAsync(IMediator m, Guid id, long from, long to, CancellationToken ct)
    {
        // Each revision is read once: the diff is computed from the two read for the page (GetDiff.Compare).
        var (a, b) = (await m.Send(new GetRevision.Query(id, from), ct), await m.Send(new GetRevision.Query(id, to), ct));
        var toPage = await m.Send(new GetHistoryPage.Query(id, to + 1, 1), ct);
        var fromEntry = (await m.Send(new GetHistoryPage.Query(id, from + 1, 1), ct)).Entries.Single();
        return new Comparison(a, b, fromEntry, toPage.Entries.Single(), GetDiff.Compare(a, b), toPage.Revisions);
    }
}
