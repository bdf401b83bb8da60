using EventHistory.EventStore;
using FluentValidation;
using MediatR;
using Npgsql;
using NpgsqlTypes;

namespace EventHistory.NewsItems;

/// The audit feed: every edit in the store's gap-safe global order (transaction id, sequence),
/// paged by cursor, filterable by item, editor, recorded-time range and event type. Each entry
/// says who, when on both clocks, why, and under which correlation id. Oldest first from a cursor
/// (`after`, what a client that follows the feed wants), or newest first back from a cursor
/// (`before`, what a person reading recent changes wants, as MediaWiki's Special:RecentChanges).
/// Either way only events below the horizon are read, all of whose transactions have ended, so
/// paging on never skips nor repeats an entry: what commits later is newer than every cursor handed out.
public static class GetChanges
{
    public const int MaxLimit = 500;

    public sealed record Query(
        GlobalPosition After, Guid? ItemId = null, string? Editor = null, DateTimeOffset? Since = null,
        DateTimeOffset? Until = null, string? Type = null, int Limit = 100, bool NewestFirst = false, GlobalPosition? Before = null) : IRequest<Page>;

    /// The newest changes first, for the Atom feed.
    public sealed record Recent(int Limit = 50) : IRequest<IReadOnlyList<Entry>>;

    public sealed record Entry(
        string Position, Guid EventId, Guid ItemId, long Revision, string EventType, string Headline,
        string? Editor, DateTimeOffset EditedAt, DateTimeOffset RecordedAt, string? Reason, string? CorrelationId);

    /// <see cref="Next"/> is the cursor for the following page: as `after`, or as `before` when newest first.
    public sealed record Page(IReadOnlyList<Entry> Entries, string Next, bool HasMore);

    public static readonly IReadOnlySet<string> EventTypeNames = new HashSet<string>(
        new[] { typeof(NewsItemCreated), typeof(HeadlineRevised), typeof(SummaryRevised), typeof(SourceAdded), typeof(SourceRemoved),
            typeof(CoverImageChanged), typeof(TopicChanged), typeof(RelatedItemLinked), typeof(RelatedItemUnlinked),
            typeof(NewsItemRetracted), typeof(NewsItemRestored), typeof(NewsItemReverted) }
            .Select(NewsItemEventTypes.Register(new EventTypes()).NameOf));

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).InclusiveBetween(1, MaxLimit);
            RuleFor(q => q.Editor).MaximumLength(200);
            RuleFor(q => q.Type).Must(t => t is null || EventTypeNames.Contains(t))
                .WithMessage($"'Type' must be one of {string.Join(", ", EventTypeNames.Order())}.");
            RuleFor(q => q.Until).Must((q, until) => until is null || q.Since is null || until > q.Since)
                .WithMessage("'Until' must be after 'Since'.");
        }
    }

    private static readonly string Select =
        $"""
        select c.tx_id::text::bigint, e.seq_id, e.id, e.stream_id, e.version, e.type, r.headline, e.user_name,
               (e.data->>'editedAt')::timestamptz, e.timestamp, r.reason, e.correlation_id
        from {GlobalReader.From}
        join eh_item_revisions r on r.item_id = e.stream_id and r.revision = e.version
        """;

    public sealed class Handler(NpgsqlDataSource db) : IRequestHandler<Query, Page>
    {
        public async Task<Page> Handle(Query q, CancellationToken ct)
        {
            var (cursor, order) = q.NewestFirst
                ? ("(@tx::text is null or (c.tx_id, c.seq_id) < (@tx::text::xid8, @seq))", "c.tx_id desc, c.seq_id desc")
                : ("(c.tx_id, c.seq_id) > (@tx::text::xid8, @seq)", "c.tx_id, c.seq_id");
            var from = q.NewestFirst ? q.Before : q.After;
            await using var cmd = db.CreateCommand(
                $"""
                {Select}
                where {cursor}
                  and c.tx_id < @horizon::xid8
                  and (@item::uuid is null or e.stream_id = @item)
                  and (@editor::varchar is null or e.user_name = @editor)
                  and (@since::timestamptz is null or e.timestamp >= @since)
                  and (@until::timestamptz is null or e.timestamp < @until)
                  and (@type::varchar is null or e.type = @type)
                order by {order}
                limit @limit
                """);
            cmd.Parameters.AddWithValue("horizon", await GlobalReader.HorizonAsync(db, ct));
            cmd.Parameters.AddWithValue("tx", NpgsqlDbType.Text, (object?)from?.TxId.ToString() ?? DBNull.Value);
            cmd.Parameters.AddWithValue("seq", from?.Sequence ?? 0);
            cmd.Parameters.AddWithValue("item", NpgsqlDbType.Uuid, (object?)q.ItemId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("editor", NpgsqlDbType.Varchar, (object?)q.Editor ?? DBNull.Value);
            cmd.Parameters.AddWithValue("since", NpgsqlDbType.TimestampTz, (object?)q.Since ?? DBNull.Value);
            cmd.Parameters.AddWithValue("until", NpgsqlDbType.TimestampTz, (object?)q.Until ?? DBNull.Value);
            cmd.Parameters.AddWithValue("type", NpgsqlDbType.Varchar, (object?)q.Type ?? DBNull.Value);
            cmd.Parameters.AddWithValue("limit", q.Limit + 1);
            var entries = await ReadAsync(cmd, ct);
            var hasMore = entries.Count > q.Limit;
            if (hasMore) entries.RemoveAt(entries.Count - 1);
            return new Page(entries, entries.Count > 0 ? entries[^1].Position : from?.ToString() ?? "", hasMore);
        }
    }

    public sealed class RecentHandler(NpgsqlDataSource db) : IRequestHandler<Recent, IReadOnlyList<Entry>>
    {
        public async Task<IReadOnlyList<Entry>> Handle(Recent q, CancellationToken ct)
        {
            await using var cmd = db.CreateCommand(
                $"""
                {Select}
                where c.tx_id < @horizon::xid8
                order by c.tx_id desc, c.seq_id desc
                limit @limit
                """);
            cmd.Parameters.AddWithValue("horizon", await GlobalReader.HorizonAsync(db, ct));
            cmd.Parameters.AddWithValue("limit", Math.Clamp(q.Limit, 1, MaxLimit));
            return await ReadAsync(cmd, ct);
        }
    }

    private static async Task<List<Entry>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var entries = new List<Entry>();
        while (await r.ReadAsync(ct))
            entries.Add(new Entry(
                new GlobalPosition((ulong)r.GetInt64(0), r.GetInt64(1)).ToString(), r.GetGuid(2), r.GetGuid(3), r.GetInt64(4),
                r.GetString(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.GetFieldValue<DateTimeOffset>(8),
                r.GetFieldValue<DateTimeOffset>(9), r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11)));
        return entries;
    }
}
