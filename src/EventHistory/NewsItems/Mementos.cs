using EventHistory.Infrastructure;
using MediatR;
using Npgsql;
using NpgsqlTypes;

namespace EventHistory.NewsItems;

/// RFC 7089 (Memento) over an item's revisions. A memento's datetime is the edit clock
/// (EditedAt, the time the edit itself carries; for imported history, the time on the page),
/// because that is when the item read so for its readers.
public static class Mementos
{
    public sealed record Memento(long Revision, DateTimeOffset Datetime);

    /// Every revision with its datetime, oldest first.
    public sealed record TimeMap(Guid ItemId) : IRequest<IReadOnlyList<Memento>>;

    /// The revision to answer an Accept-Datetime with: the newest at or before it, else the first;
    /// without a datetime, the current revision.
    public sealed record TimeGate(Guid ItemId, DateTimeOffset? At) : IRequest<Memento>;

    /// A revision and the neighbours that never change, for the Link header of a memento (which is
    /// immutable, so it names neither the last memento nor the next: they change as revisions are added).
    public sealed record Neighbours(Guid ItemId, long Revision) : IRequest<Around>;

    public sealed record Around(Memento Self, Memento First, Memento? Prev);

    public sealed class TimeMapHandler(ReadSource reads) : IRequestHandler<TimeMap, IReadOnlyList<Memento>>
    {
        public async Task<IReadOnlyList<Memento>> Handle(TimeMap q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("select revision, edited_at from eh_item_revisions where item_id = @id order by revision", conn);
            cmd.Parameters.AddWithValue("id", q.ItemId);
            var all = await ReadAsync(cmd, ct);
            return all.Count > 0 ? all : throw new NotFoundException($"News item {q.ItemId}");
        }
    }

    public sealed class TimeGateHandler(ReadSource reads) : IRequestHandler<TimeGate, Memento>
    {
        public async Task<Memento> Handle(TimeGate q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand(
                """
                select revision, edited_at from (
                    (select 0 as pick, revision, edited_at from eh_item_revisions
                     where item_id = @id and @at::timestamptz is not null and edited_at <= @at
                     order by edited_at desc, revision desc limit 1)
                    union all
                    (select 1, revision, edited_at from eh_item_revisions
                     where item_id = @id and @at::timestamptz is not null order by revision limit 1)
                    union all
                    (select 2, revision, edited_at from eh_item_revisions
                     where item_id = @id and @at::timestamptz is null order by revision desc limit 1)
                ) candidates
                order by pick limit 1
                """, conn);
            cmd.Parameters.AddWithValue("id", q.ItemId);
            cmd.Parameters.AddWithValue("at", NpgsqlDbType.TimestampTz, (object?)q.At ?? DBNull.Value);
            var found = await ReadAsync(cmd, ct);
            return found.Count > 0 ? found[0] : throw new NotFoundException($"News item {q.ItemId}");
        }
    }

    public sealed class NeighboursHandler(ReadSource reads) : IRequestHandler<Neighbours, Around>
    {
        public async Task<Around> Handle(Neighbours q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand(
                """
                select revision, edited_at from eh_item_revisions
                where item_id = @id and revision in (1, @rev - 1, @rev)
                order by revision
                """, conn);
            cmd.Parameters.AddWithValue("id", q.ItemId);
            cmd.Parameters.AddWithValue("rev", q.Revision);
            var found = (await ReadAsync(cmd, ct)).ToDictionary(m => m.Revision);
            if (!found.TryGetValue(q.Revision, out var self)) throw new NotFoundException($"Revision {q.Revision} of news item {q.ItemId}");
            return new Around(self, found[found.Keys.Min()], found.GetValueOrDefault(q.Revision - 1));
        }
    }

    private static async Task<List<Memento>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<Memento>();
        while (await r.ReadAsync(ct)) list.Add(new Memento(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1)));
        return list;
    }
}
