using EventHistory.EventStore;
using EventHistory.NewsItems;
using EventHistory.Search;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EventHistory.Web;

/// Recent changes (the audit feed, filtered and paged by its cursor) and search.
public static class ChangesPages
{
    public const int PageSize = 50;

    /// The filter form's values as given, so the page shows them back and the next page keeps them.
    public sealed record Filters(string? Editor, string? Type, string? Since, string? Until)
    {
        public string Query => string.Join("&", new[] { ("editor", Editor), ("type", Type), ("since", Since), ("until", Until) }
            .Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
    }

    public static void Map(RouteGroupBuilder web)
    {
        web.MapGet("/changes", (string? after, string? editor, string? type, string? since, string? until, HttpContext http, IMediator m, CancellationToken ct) =>
            Html.Guard(http, async ctx =>
            {
                var filters = new Filters(editor, type, since, until);
                var cursor = GlobalPosition.TryParse(after, out var position) ? position : GlobalPosition.Start;
                var page = await m.Send(new GetChanges.Query(cursor, null, Blank(editor), Day(since), Day(until, next: true), Blank(type), PageSize), ct);
                return Html.Page<Components.ChangesPage>(http, new { Ctx = ctx, Changes = page, Filters = filters });
            }));

        web.MapGet("/search", (string? q, HttpContext http, IMediator m, CancellationToken ct) => Html.Guard(http, async ctx =>
        {
            IReadOnlyList<SearchItems.Hit> hits = string.IsNullOrWhiteSpace(q) ? [] : await m.Send(new SearchItems.Query(q.Trim()), ct);
            return Html.Page<Components.SearchPage>(http, new { Ctx = ctx, Text = q ?? "", Hits = hits });
        }));
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// The form's date fields name whole days: "until 2026-11-02" includes that day.
    private static DateTimeOffset? Day(string? text, bool next = false) =>
        WebContext.ParseTime(text) is { } at ? (next && text!.Trim().Length == 10 ? at.AddDays(1) : at) : null;
}
