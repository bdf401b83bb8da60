using Npgsql;
using NpgsqlTypes;

namespace EventHistory.NewsItems;

/// The two clocks an item can be read on: the edit's own time, or when the store recorded it.
public enum Clock { Edited, Recorded }

/// Past versions read from eh_item_revisions by index only, so their cost does not grow with
/// the history's length. The SQL is public so a test can show its plan.
public static class RevisionRows
{
    public const string ByRevisionSql = "select state::text from eh_item_revisions where item_id = @id and revision = @rev";

    public const string AsOfEditedSql =
        """
        select state::text from eh_item_revisions
        where item_id = @id and edited_at <= @at
        order by edited_at desc, revision desc limit 1
        """;

    public const string AsOfRecordedSql =
        """
        select state::text from eh_item_revisions
        where item_id = @id and recorded_at <= @at
        order by recorded_at desc, revision desc limit 1
        """;

    public static string AsOfSql(Clock clock) => clock == Clock.Edited ? AsOfEditedSql : AsOfRecordedSql;

    public static string Column(Clock clock) => clock == Clock.Edited ? "edited_at" : "recorded_at";

    public static async Task<NewsItem?> LoadAsOfAsync(NpgsqlConnection conn, Guid id, Clock clock, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(AsOfSql(clock), conn);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("at", NpgsqlDbType.TimestampTz, at);
        return await cmd.ExecuteScalarAsync(ct) is string json ? NewsItemRows.Parse(json) : null;
    }

    public static async Task<IReadOnlyDictionary<long, NewsItem>> LoadRevisionsAsync(
        NpgsqlConnection conn, Guid id, IReadOnlyCollection<long> revisions, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select revision, state::text from eh_item_revisions where item_id = @id and revision = any(@revs)", conn);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("revs", revisions.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var found = new Dictionary<long, NewsItem>();
        while (await r.ReadAsync(ct)) found[r.GetInt64(0)] = NewsItemRows.Parse(r.GetString(1));
        return found;
    }

    /// The headlines that the items behind these paths had at a time: one index probe per path.
    public static async Task<IReadOnlyDictionary<string, string>> HeadlinesAsOfAsync(
        NpgsqlConnection conn, IReadOnlyCollection<string> paths, Clock clock, DateTimeOffset at, CancellationToken ct)
    {
        if (paths.Count == 0) return new Dictionary<string, string>();
        var column = Column(clock);
        await using var cmd = new NpgsqlCommand(
            $"""
            select p.path, r.headline
            from eh_item_paths p
            cross join lateral (
                select headline from eh_item_revisions r
                where r.item_id = p.item_id and r.{column} <= @at
                order by r.{column} desc, r.revision desc limit 1) r
            where p.path = any(@paths)
            """, conn);
        cmd.Parameters.AddWithValue("paths", paths.ToArray());
        cmd.Parameters.AddWithValue("at", NpgsqlDbType.TimestampTz, at);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var headlines = new Dictionary<string, string>();
        while (await r.ReadAsync(ct)) headlines[r.GetString(0)] = r.GetString(1);
        return headlines;
    }

    /// Related entries show the linked item's headline as of the same time, when the store has it.
    public static async Task<NewsItem> WithRelatedAsOfAsync(NpgsqlConnection conn, NewsItem item, Clock clock, DateTimeOffset at, CancellationToken ct)
    {
        if (item.Related.Count == 0) return item;
        var headlines = await HeadlinesAsOfAsync(conn, item.Related.Select(r => r.Path).ToList(), clock, at, ct);
        return item with
        {
            Related = [.. item.Related.Select(r => headlines.TryGetValue(r.Path, out var h) ? r with { Headline = h } : r)],
        };
    }
}
