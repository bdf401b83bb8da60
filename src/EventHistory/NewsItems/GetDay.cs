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
            var db = await reads.ForReadAsync(ct);
            var column = RevisionRows.Column(q.Clock);
            // Item ids are version 7 uuids, so ordering by id lists the day in the order items were created.
            await using var cmd = db.CreateCommand(q.At is null
                ? "select state::text from eh_items where date = @date and edition = @edition and status = 'Published' order by id"
                : $"""
                   select r.state::text
                   from eh_items i
                   cross join lateral (
                       select state from eh_item_revisions r
                       where r.item_id = i.id and r.{column} <= @at
                       order by r.{column} desc, r.revision desc limit 1) r
                   where i.date = @date and i.edition = @edition and r.state->>'status' = 'Published'
                   order by i.id
                   """);
            cmd.Parameters.AddWithValue("date", q.Date);
            cmd.Parameters.AddWithValue("edition", q.Edition);
            cmd.Parameters.AddWithValue("at", NpgsqlDbType.TimestampTz, (object?)q.At ?? DBNull.Value);
            var items = new List<NewsItem>();
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct)) items.Add(NewsItemRows.Parse(r.GetString(0)));
            if (q.At is { } at)
                for (var i = 0; i < items.Count; i++) items[i] = await RevisionRows.WithRelatedAsOfAsync(db, items[i], q.Clock, at, ct);
            return new Day(q.Date, q.Edition, q.At, q.At is null ? null : q.Clock.ToString().ToLowerInvariant(), items);
        }
    }
}
