using EventHistory.Infrastructure;
using MediatR;
using Npgsql;

namespace EventHistory.NewsItems;

/// The item's changes in the site's terms: the first version, each update, the current version.
public static class GetHistory
{
    public sealed record Query(Guid ItemId) : IRequest<IReadOnlyList<Entry>>;

    public sealed record Entry(
        long Revision, string Kind, string EventType, string Headline, DateTimeOffset EditedAt,
        DateTimeOffset RecordedAt, string? Editor, string? Reason);

    public sealed class Handler(NpgsqlDataSource db) : IRequestHandler<Query, IReadOnlyList<Entry>>
    {
        public async Task<IReadOnlyList<Entry>> Handle(Query q, CancellationToken ct)
        {
            await using var cmd = db.CreateCommand(
                """
                select revision, event_type, headline, edited_at, recorded_at, editor, reason,
                       revision = max(revision) over () as is_current
                from eh_item_revisions where item_id = @id order by revision
                """);
            cmd.Parameters.AddWithValue("id", q.ItemId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var entries = new List<Entry>();
            while (await r.ReadAsync(ct))
            {
                var revision = r.GetInt64(0);
                var kind = r.GetBoolean(7) ? "Current version" : revision == 1 ? "First version" : "Update";
                entries.Add(new Entry(revision, kind, r.GetString(1), r.GetString(2),
                    r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4),
                    r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6)));
            }
            if (entries.Count == 0) throw new NotFoundException($"News item {q.ItemId}");
            return entries;
        }
    }
}
