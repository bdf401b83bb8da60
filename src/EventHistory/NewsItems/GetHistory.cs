using EventHistory.Infrastructure;
using MediatR;
using Npgsql;

namespace EventHistory.NewsItems;

/// The item's changes in the site's terms: the first version, each update, and the facts about
/// earlier versions that imports found later. `Current` marks the revision whose content is the
/// item's now: the last one that is not such a fact, which need not be the last revision (a fact
/// learned later comes after it, but changes nothing current). Each entry shows its event's own
/// edit time (a revision's edit clock never goes back; see NewsItem.EditClock).
public static class GetHistory
{
    public sealed record Query(Guid ItemId) : IRequest<IReadOnlyList<Entry>>;

    public sealed record Entry(
        long Revision, string Kind, bool Current, string EventType, string Headline, DateTimeOffset EditedAt,
        DateTimeOffset RecordedAt, string? Editor, string? Reason);

    /// A revision's kind of change, in the site's words (the whole history and its pages alike).
    public static string KindOf(long revision, string eventType) =>
        NewsItem.IsAboutThePast(eventType) ? "Earlier version found" : revision == 1 ? "First version" : "Update";

    public sealed class Handler(ReadSource reads) : IRequestHandler<Query, IReadOnlyList<Entry>>
    {
        public async Task<IReadOnlyList<Entry>> Handle(Query q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand(
                """
                select r.revision, r.event_type, r.headline, coalesce(r.event_edited_at, r.edited_at), r.recorded_at, r.editor, r.reason,
                       r.revision = max(r.revision) filter (where r.event_type not in ('earlier_page_found', 'earlier_version_found')) over ()
                from eh_item_revisions r
                where r.item_id = @id order by r.revision
                """, conn);
            cmd.Parameters.AddWithValue("id", q.ItemId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var entries = new List<Entry>();
            while (await r.ReadAsync(ct))
            {
                var revision = r.GetInt64(0);
                var type = r.GetString(1);
                entries.Add(new Entry(revision, KindOf(revision, type), r.GetBoolean(7), type, r.GetString(2),
                    r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4),
                    r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6)));
            }
            if (entries.Count == 0) throw new NotFoundException($"News item {q.ItemId}");
            return entries;
        }
    }
}
