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
        web.MapGet("/changes", (string? before, string? editor, string? type, string? since, string? until, HttpContext http, IMediator m, CancellationToken ct) =>
            Html.Guard(http, async ctx =>
            {
                var filters = new Filters(editor, type, since, until);
                // A filter that cannot be read is said so, naming the field: ignoring it would list
                // changes the reader did not ask for as if they were the answer.
                if (!TryDay(since, out var from)) return Refused(http, ctx, filters, "since", $"“Recorded from” is not a date: “{since}”. Give it as YYYY-MM-DD.");
                if (!TryDay(until, out var to, next: true)) return Refused(http, ctx, filters, "until", $"“until” is not a date: “{until}”. Give it as YYYY-MM-DD.");
                GlobalPosition? cursor = null;
                if (!string.IsNullOrEmpty(before))
                {
                    if (!GlobalPosition.TryParse(before, out var position)) return Refused(http, ctx, filters, "before", $"“{before}” is not a position in the list of changes. Start again from the newest.");
                    cursor = position;
                }
                var page = await m.Send(new GetChanges.Query(GlobalPosition.Start, null, Blank(editor), from, to, Blank(type), PageSize, NewestFirst: true, Before: cursor), ct);
                return Html.Page<Components.ChangesPage>(http, new { Ctx = ctx, Changes = page, Filters = filters, Paged = cursor is not null });
            }));

        web.MapGet("/search", (string? q, HttpContext http, IMediator m, CancellationToken ct) => Html.Guard(http, async ctx =>
        {
            IReadOnlyList<SearchItems.Hit> hits = string.IsNullOrWhiteSpace(q) ? [] : await m.Send(new SearchItems.Query(q.Trim()), ct);
            return Html.Page<Components.SearchPage>(http, new { Ctx = ctx, Text = q ?? "", Hits = hits });
        }));
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// The form's date fields name whole days: "until 2026-11-02" includes that day. Blank is no bound.
    private static bool TryDay(string? text, out DateTimeOffset? day, bool next = false)
    {
        day = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (WebContext.ParseTime(text) is not { } at) return false;
        day = next && text.Trim().Length == 10 ? at.AddDays(1) : at;
        return true;
    }

    private static IResult Refused(HttpContext http, WebContext ctx, Filters filters, string field, string error) =>
        Html.Page<Components.ChangesPage>(http, new { Ctx = ctx, Changes = (GetChanges.Page?)null, Filters = filters, ErrorField = field, Error = error }, 400);
}
