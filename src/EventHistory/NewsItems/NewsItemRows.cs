using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EventHistory.EventStore;
using Npgsql;

namespace EventHistory.NewsItems;

/// Reads item states back from the inline projections. Here, with the item, because every use case
/// that edits or shows an item loads its state so; the projection that writes these rows builds on the item.
public static class NewsItemRows
{
    public static async Task<NewsItem?> LoadCurrentAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select state::text from eh_items where id = @id", conn, tx);
        cmd.Parameters.AddWithValue("id", id);
        return await cmd.ExecuteScalarAsync(ct) is string json ? Parse(json) : null;
    }

    public static async Task<NewsItem?> LoadCurrentAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await LoadCurrentAsync(conn, null, id, ct);
    }

    public static async Task<NewsItem?> LoadRevisionAsync(NpgsqlConnection conn, Guid id, long revision, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select state::text from eh_item_revisions where item_id = @id and revision = @rev", conn);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("rev", revision);
        return await cmd.ExecuteScalarAsync(ct) is string json ? Parse(json) : null;
    }

    /// The item a path points at, whether it is its current path or one it had before.
    public static async Task<Guid?> FindByPathAsync(NpgsqlConnection conn, string path, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select item_id from eh_item_paths where path = @path", conn);
        cmd.Parameters.AddWithValue("path", path);
        return await cmd.ExecuteScalarAsync(ct) as Guid?;
    }

    public static NewsItem Parse(string json) => JsonSerializer.Deserialize<NewsItem>(json, EventTypes.Json)!;

    /// A state as eh_items and eh_item_revisions store it: StoredJson (unescaped), without the
    /// item's computed properties (Path, HasPage, Page). Page repeats the whole content, related
    /// items included, and was half of every stored state (3.9 of 7.6 KB on the corpus), for every
    /// read to render and parse again; Parse computes them, so a state stored with them (before)
    /// reads the same.
    public static string Serialize(NewsItem state) => JsonSerializer.Serialize(state, StateJson);

    private static readonly JsonSerializerOptions StateJson = new(EventTypes.StoredJson)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { WithoutComputedProperties } },
    };

    // A property without a setter is computed from the others.
    private static void WithoutComputedProperties(JsonTypeInfo type)
    {
        if (type.Type != typeof(NewsItem)) return;
        foreach (var computed in type.Properties.Where(p => p.Set is null).ToList()) type.Properties.Remove(computed);
    }
}
