using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using EventHistory.Pages;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Web;

/// The site's own pages at the site's own paths: home, day pages, item pages; every path an item
/// ever had leads to its current one (or, in the time machine, to the one it had then).
public static class SitePages
{
    public static void Map(RouteGroupBuilder web)
    {
        web.MapGet("/", (HttpContext http, IMediator m, CancellationToken ct) => Html.Guard(http, async ctx =>
        {
            var dates = await m.Send(new GetLatestDays.Query(7, ctx.AsOf, ctx.Clock), ct);
            // The days' items in one query, not one a day.
            var days = await m.Send(new GetDays.Query(dates, ctx.AsOf, ctx.Clock), ct);
            return Html.Page<Components.HomePage>(http, new { Ctx = ctx, Days = days });
        })).WithMetadata(InTimeMachine.Page);
        foreach (var prefix in new[] { "", "/zh" })
        {
            var edition = prefix == "" ? "en" : "zh";
            web.MapGet(prefix + "/news/{year}/{month}/{day}/index.html", (string year, string month, string day, HttpContext http, IMediator m, CancellationToken ct) =>
                Html.Guard(http, ctx => DayAsync(http, ctx, m, $"{prefix}/news/{year}/{month}/{day}/index.md", edition, ct))).WithMetadata(InTimeMachine.Page);
            web.MapGet(prefix + "/news/{year}/{month}/{day}/{slug}.html", (string year, string month, string day, string slug, HttpContext http, IMediator m, CancellationToken ct) =>
                Html.Guard(http, ctx => ItemAsync(http, ctx, m, $"{prefix}/news/{year}/{month}/{day}/{slug}.md", ct))).WithMetadata(InTimeMachine.Page);
        }
    }

    private static async Task<IResult> DayAsync(HttpContext http, WebContext ctx, IMediator m, string mdPath, string edition, CancellationToken ct)
    {
        if (PagePaths.Split(mdPath) is not { } split) throw new NotFoundException($"A day page at {WebPaths.Html(mdPath)}");
        // The day page the site had (what index.md serves), on the edit clock its versions carry; a
        // day no page was imported for, or the store's clock, lists the items of that date instead.
        var page = ctx.Clock == Clock.Edited ? await m.Send(new GetDayPage.Query(mdPath, ctx.AsOf), ct) : null;
        if (page is { Verbatim: null }) return Html.Page<Components.DayPageView>(http, new { Ctx = ctx, Page = page });
        var day = await m.Send(new GetDay.Query(split.Date, ctx.AsOf, ctx.Clock, edition), ct);
        return Html.Page<Components.DayView>(http, new { Ctx = ctx, Day = day });
    }

    private static async Task<IResult> ItemAsync(HttpContext http, WebContext ctx, IMediator m, string mdPath, CancellationToken ct)
    {
        var id = await m.Send(new FindNewsItemByPath.Query(mdPath), ct);
        var item = ctx.AsOf is { } at
            ? await m.Send(new GetItemAsOf.Query(id, at, ctx.Clock), ct)
            : await m.Send(new GetNewsItem.Query(id), ct);
        if (item.Status == ItemStatus.Retracted)
            return Html.Message(http, ctx, 404, "Not found", $"No news item page at {WebPaths.Html(mdPath)}{(ctx.AsOf is null ? "" : " at that time")}.");
        // Permanent for the current page; only temporary in the time machine, where the answer depends on the time asked.
        if (item.Path != mdPath) return Results.Redirect(ctx.Link(WebPaths.Html(item.Path)), permanent: ctx.AsOf is null);
        var history = await m.Send(new GetHistoryPage.Query(id, item.Revision + 1, 1), ct);
        return Html.Page<Components.ItemView>(http, new { Ctx = ctx, Item = item, Entry = history.Entries.Single() });
    }
}
