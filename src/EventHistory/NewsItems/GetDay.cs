using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;
using Npgsql;
using NpgsqlTypes;

namespace EventHistory.NewsItems;

/// The items of one date as they stood at a time (now when no time is given): for each item of
/// that date, its newest revision at or before the time. Items that did not exist yet, or that
/// were retracted at that time, are not on the day.
public static class GetDay
{
    public sealed record Query(DateOnly Date, DateTimeOffset? At = null, Clock Clock = Clock.Edited, string Edition = "en") : IRequest<Day>;

    public sealed record Day(DateOnly Date, string Edition, DateTimeOffset? AsOf, string? Clock, IReadOnlyList<NewsItem> Items);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() =>
            RuleFor(q => q.Edition).Must(e => e is "en" or "zh").WithMessage("'Edition' must be en or zh.");
    }

    public sealed class Handler(ReadSource reads) : IRequestHandler<Query, Day>
    {
        public async Task<Day> Handle(Query q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            return (await LoadAsync(conn, [q.Date], q.At, q.Clock, q.Edition, ct))[0];
        }
    }

    /// Several dates at once, in the order given: one query for their items and, as of a time, one
    /// for their related items' headlines then, however many dates and items (the home page lists seven days).
    public static async Task<IReadOnlyList<Day>> LoadAsync(
        NpgsqlConnection conn, IReadOnlyList<DateOnly> dates, DateTimeOffset? at, Clock clock, string edition, CancellationToken ct)
    {
        var column = RevisionRows.Column(clock);
        // Item ids are version 7 uuids, so ordering by id lists the day in the order items were created.
        await using var cmd = new NpgsqlCommand(at is null
            ? "select date, state::text from eh_items where date = any(@dates) and edition = @edition and status = 'Published' order by id"
            : $"""
               select i.date, r.state::text
               from eh_items i
               cross join lateral (
                   select state from eh_item_revisions r
                   where r.item_id = i.id and r.{column} <= @at
                   order by r.{column} desc, r.revision desc limit 1) r
               where i.date = any(@dates) and i.edition = @edition and r.state->>'status' = 'Published'
               order by i.id
               """, conn);
        cmd.Parameters.AddWithValue("dates", dates.ToArray());
        cmd.Parameters.AddWithValue("edition", edition);
        cmd.Parameters.AddWithValue("at", NpgsqlDbType.TimestampTz, (object?)at ?? DBNull.Value);
        var items = dates.Distinct().ToDictionary(d => d, _ => new List<NewsItem>());
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) items[r.GetFieldValue<DateOnly>(0)].Add(NewsItemRows.Parse(r.GetString(1)));
        if (at is { } time) await WithRelatedAsOfAsync(conn, items.Values, clock, time, ct);
        var clockName = at is null ? null : clock.ToString().ToLowerInvariant();
        return [.. dates.Select(d => new Day(d, edition, at, clockName, items[d]))];
    }

    /// Related entries show the linked item's headline as of the same time: one lookup for every item listed.
    private static async Task WithRelatedAsOfAsync(NpgsqlConnection conn, IEnumerable<List<NewsItem>> days, Clock clock, DateTimeOffset at, CancellationToken ct)
    {
        var paths = days.SelectMany(d => d).SelectMany(i => i.Related).Select(r => r.Path).Distinct().ToList();
        if (paths.Count == 0) return;
        var headlines = await RevisionRows.HeadlinesAsOfAsync(conn, paths, clock, at, ct);
        foreach (var day in days)
            for (var i = 0; i < day.Count; i++)
                if (day[i].Related.Count > 0)
                    day[i] = day[i] with { Related = [.. day[i].Related.Select(r => headlines.TryGetValue(r.Path, out var h) ? r with { Headline = h } : r)] };
    }
}

/// The items of several dates, as GetDay reads one (the home page's days, in one round trip).
public static class GetDays
{
    public sealed record Query(IReadOnlyList<DateOnly> Dates, DateTimeOffset? At = null, Clock Clock = Clock.Edited, string Edition = "en") : IRequest<IReadOnlyList<GetDay.Day>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Edition).Must(e => e is "en" or "zh").WithMessage("'Edition' must be en or zh.");
            RuleFor(q => q.Dates.Count).LessThanOrEqualTo(100);
        }
    }

    public sealed class Handler(ReadSource reads) : IRequestHandler<Query, IReadOnlyList<GetDay.Day>>
    {
        public async Task<IReadOnlyList<GetDay.Day>> Handle(Query q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            return await GetDay.LoadAsync(conn, q.Dates, q.At, q.Clock, q.Edition, ct);
        }
    }
}
