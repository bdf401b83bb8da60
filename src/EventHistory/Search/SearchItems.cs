using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using FluentValidation;
using MediatR;
using Npgsql;

namespace EventHistory.Search;

/// Full-text search over each item's current headline and summary (the item_search projection,
/// kept by the daemon, so a fresh edit shows within moments). Archived and retracted items are left out.
public static class SearchItems
{
    public sealed record Query(string Text, int Limit = 20) : IRequest<IReadOnlyList<Hit>>;

    public sealed record Hit(Guid ItemId, string Headline, string Path, DateOnly Date, double Rank, string Snippet);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Text).NotEmpty().WithMessage("'q' must not be empty.").MaximumLength(200).PlainText().OverridePropertyName("q");
            RuleFor(q => q.Limit).InclusiveBetween(1, 100);
        }
    }

    public sealed class Handler(ReadSource reads) : IRequestHandler<Query, IReadOnlyList<Hit>>
    {
        public async Task<IReadOnlyList<Hit>> Handle(Query q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand(
                """
                select i.item_id, i.headline, i.edition, i.date, i.slug, ts_rank(i.document, query)::float8,
                       ts_headline('english', i.summary, query, 'MaxWords=30, MinWords=10')
                from eh_item_search i
                join mt_streams s on s.id = i.item_id and not s.is_archived,
                     websearch_to_tsquery('english', @q) query
                where i.document @@ query and i.status = 'Published'
                order by 6 desc, i.date desc, i.item_id
                limit @limit
                """, conn);
            cmd.Parameters.AddWithValue("q", q.Text);
            cmd.Parameters.AddWithValue("limit", q.Limit);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var hits = new List<Hit>();
            while (await r.ReadAsync(ct))
            {
                var date = r.GetFieldValue<DateOnly>(3);
                hits.Add(new Hit(r.GetGuid(0), r.GetString(1), ItemPaths.ItemPath(r.GetString(2), date, r.GetString(4)), date,
                    Math.Round(r.GetDouble(5), 4), r.GetString(6)));
            }
            return hits;
        }
    }
}
