using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;
using Npgsql;
using NpgsqlTypes;

namespace EventHistory.NewsItems;

/// One page of an item's history, newest first, as MediaWiki lists it: keyset paging on the
/// revisions' primary key (item_id, revision), so the first page of a 10,000-revision history
/// reads the same few rows as a one-revision item's. Each entry carries its content size and the
/// change of size from the revision before (read as one extra row past the page's end).
/// GetHistory stays the whole-list read the API serves.
public static class GetHistoryPage
{
    public const int MaxLimit = 500;

    /// <param name="Before">Show revisions before this one (the next page's cursor); null for the newest.</param>
    public sealed record Query(Guid ItemId, long? Before = null, int Limit = 50) : IRequest<Page>;

    public sealed record Entry(
        long Revision, string Kind, bool Current, string EventType, string Headline, DateTimeOffset EditedAt,
        DateTimeOffset RecordedAt, string? Editor, string? Reason, int Size, int SizeChange);

    /// <see cref="Older"/> is the cursor (a `before`) for the next, older page; null on the last one.
    public sealed record Page(Guid ItemId, long Revisions, IReadOnlyList<Entry> Entries, long? Older);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).InclusiveBetween(1, MaxLimit);
            RuleFor(q => q.Before).GreaterThan(1).When(q => q.Before is not null);
        }
    }

    /// The content's size in bytes (what the page shows: headline, summary, topic, sources, related),
    /// not the stored state's, whose bookkeeping (revision, times) changes with every revision. The
    /// projection stores it with each revision (content_size), computed by this same expression, so a
    /// page does not turn every row's sources and related items into text again (~4 µs a row).
    public static string ContentSize(string state) =>
        $"octet_length(concat_ws(E'\\n', ({state})->>'headline', ({state})->>'summary', ({state})->>'topic', ({state})->>'sources', ({state})->>'related'))";

    /// Rows projected before content_size existed have none: computed as they are read.
    public static readonly string SizeSql = $"coalesce(r.content_size, {ContentSize("r.state")})";

    public static readonly string PageSql =
        $"""
        select r.revision, r.event_type, r.headline, coalesce(r.event_edited_at, r.edited_at), r.recorded_at, r.editor, r.reason, {SizeSql}
        from eh_item_revisions r
        where r.item_id = @id and (@before::bigint is null or r.revision < @before)
        order by r.revision desc
        limit @limit
        """;

    /// The last revision, and the one whose content is current: the newest that is not a fact about
    /// the past. Both are backward scans of the primary key that stop at their first row (usually the
    /// newest), in one round trip.
    public const string LastAndCurrentSql =
        """
        select (select max(revision) from eh_item_revisions where item_id = @id),
               (select revision from eh_item_revisions
                where item_id = @id and event_type not in ('earlier_page_found', 'earlier_version_found')
                order by revision desc limit 1)
        """;

    public sealed class Handler(ReadSource reads) : IRequestHandler<Query, Page>
    {
        public async Task<Page> Handle(Query q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            var (last, current) = await LastAndCurrentAsync(conn, q.ItemId, ct) ?? throw new NotFoundException($"News item {q.ItemId}");

            await using var cmd = new NpgsqlCommand(PageSql, conn);
            cmd.Parameters.AddWithValue("id", q.ItemId);
            cmd.Parameters.AddWithValue("before", NpgsqlDbType.Bigint, (object?)q.Before ?? DBNull.Value);
            // One row more than the page: the older neighbour of the page's last entry gives its size change.
            cmd.Parameters.AddWithValue("limit", q.Limit + 1);
            var rows = new List<(Entry Entry, int Size)>();
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct))
                {
                    var revision = r.GetInt64(0);
                    var type = r.GetString(1);
                    var size = r.GetInt32(7);
                    rows.Add((new Entry(revision, GetHistory.KindOf(revision, type), revision == current, type, r.GetString(2), r.GetFieldValue<DateTimeOffset>(3),
                        r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
                        size, size), size));
                }
            var entries = new List<Entry>();
            for (var i = 0; i < Math.Min(rows.Count, q.Limit); i++)
                entries.Add(i + 1 < rows.Count ? rows[i].Entry with { SizeChange = rows[i].Size - rows[i + 1].Size } : rows[i].Entry);
            var older = rows.Count > q.Limit ? entries[^1].Revision : (long?)null;
            return new Page(q.ItemId, last, entries, older);
        }

        private static async Task<(long Last, long Current)?> LastAndCurrentAsync(NpgsqlConnection conn, Guid id, CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand(LastAndCurrentSql, conn);
            cmd.Parameters.AddWithValue("id", id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            return r.IsDBNull(1) ? null : (r.GetInt64(0), r.GetInt64(1));
        }
    }
}
