using EventHistory.NewsItems;
using Npgsql;

namespace EventHistory.Articles;

/// One captured version as lists and diffs show it (the text itself is read separately).
public sealed record SourceTextVersion(
    Guid ItemId, string SourceUrl, string SourceName, int Version, long Revision, DateTimeOffset CapturedAt,
    DateTimeOffset RecordedAt, DateOnly? ArticleDate, bool Trivial, string Sha256, int Bytes, string? Editor, string? Reason);

/// Reads the captured texts back from the projection.
public static class SourceTextRows
{
    private const string Columns =
        "item_id, source_url, source_name, version, revision, captured_at, recorded_at, article_date, trivial, sha256, byte_count, editor, reason";

    public static async Task<IReadOnlyList<SourceTextVersion>> ListAsync(NpgsqlConnection conn, Guid itemId, string url, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select {Columns} from eh_source_texts where item_id = @item and source_url = @url order by version", conn);
        cmd.Parameters.AddWithValue("item", itemId);
        cmd.Parameters.AddWithValue("url", url);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var versions = new List<SourceTextVersion>();
        while (await r.ReadAsync(ct)) versions.Add(Read(r));
        return versions;
    }

    /// Every captured version of every source of an item (removed sources' too), by source, oldest first.
    public static async Task<IReadOnlyList<SourceTextVersion>> ListAllAsync(NpgsqlConnection conn, Guid itemId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select {Columns} from eh_source_texts where item_id = @item order by source_url, version", conn);
        cmd.Parameters.AddWithValue("item", itemId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var versions = new List<SourceTextVersion>();
        while (await r.ReadAsync(ct)) versions.Add(Read(r));
        return versions;
    }

    /// A version with its body; version null means the latest.
    public static async Task<(SourceTextVersion Version, byte[] Body)?> LoadAsync(
        NpgsqlConnection conn, Guid itemId, string url, int? version, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            select {Columns}, body from eh_source_texts
            where item_id = @item and source_url = @url and (@version::int is null or version = @version)
            order by version desc limit 1
            """, conn);
        cmd.Parameters.AddWithValue("item", itemId);
        cmd.Parameters.AddWithValue("url", url);
        cmd.Parameters.Add(new NpgsqlParameter<int?>("version", version) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (Read(r), r.GetFieldValue<byte[]>(13)) : null;
    }

    public static async Task<SourceTextVersion?> AtRevisionAsync(NpgsqlConnection conn, Guid itemId, long revision, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select {Columns} from eh_source_texts where item_id = @item and revision = @revision", conn);
        cmd.Parameters.AddWithValue("item", itemId);
        cmd.Parameters.AddWithValue("revision", revision);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// Every source the item has had a text captured for, including sources removed since.
    public static async Task<IReadOnlyList<Source>> CapturedSourcesAsync(NpgsqlConnection conn, Guid itemId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "select distinct on (source_url) source_name, source_url from eh_source_texts where item_id = @item order by source_url, version desc", conn);
        cmd.Parameters.AddWithValue("item", itemId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var sources = new List<Source>();
        while (await r.ReadAsync(ct)) sources.Add(new Source(r.GetString(0), r.GetString(1)));
        return sources;
    }

    private static SourceTextVersion Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt64(4),
        r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6),
        r.IsDBNull(7) ? null : r.GetFieldValue<DateOnly>(7), r.GetBoolean(8), r.GetString(9), r.GetInt32(10),
        r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12));
}
