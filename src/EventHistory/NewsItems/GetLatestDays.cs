using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;
using Npgsql;
using NpgsqlTypes;

namespace EventHistory.NewsItems;

/// The newest dates that have items (the home page's list), now or as of a time on either clock:
/// a date is listed once one of its items had a revision by then.
public static class GetLatestDays
{
    public sealed record Query(int Limit = 14, DateTimeOffset? At = null, Clock Clock = Clock.Edited, string Edition = "en")
        : IRequest<IReadOnlyList<DateOnly>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).InclusiveBetween(1, 100);
            RuleFor(q => q.Edition).Must(e => e is "en" or "zh").WithMessage("'Edition' must be en or zh.");
        }
    }

    public sealed class Handler(ReadSource reads) : IRequestHandler<Query, IReadOnlyList<DateOnly>>
    {
        public async Task<IReadOnlyList<DateOnly>> Handle(Query q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand(q.At is null
                ? "select date from eh_items where edition = @edition and status = 'Published' group by date order by date desc limit @limit"
                : $"""
                   select i.date from eh_items i
                   where i.edition = @edition
                     and exists (select 1 from eh_item_revisions r where r.item_id = i.id and r.{RevisionRows.Column(q.Clock)} <= @at)
                   group by i.date order by i.date desc limit @limit
                   """, conn);
            cmd.Parameters.AddWithValue("edition", q.Edition);
            cmd.Parameters.AddWithValue("limit", q.Limit);
            cmd.Parameters.AddWithValue("at", NpgsqlDbType.TimestampTz, (object?)q.At ?? DBNull.Value);
            var days = new List<DateOnly>();
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) days.Add(r.GetFieldValue<DateOnly>(0));
            return days;
        }
    }
}
