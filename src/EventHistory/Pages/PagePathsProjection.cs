using EventHistory.EventStore;
using EventHistory.NewsItems;
using Npgsql;

namespace EventHistory.Pages;

/// Paths learned from pages (Changes entries, old slug files) resolve to their item like the paths
/// the item's own revisions had, so a page arriving later finds its item by any of them.
public sealed class PagePathsProjection : IInlineProjection
{
    public async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var stored in events)
        {
            IEnumerable<string> paths = stored.Data switch
            {
                PagePublished p => [p.Page.Path, .. p.Page.Changes.Select(c => c.Path)],
                EarlierPageFound f => [f.Page.Path],
                EarlierVersionFound v => [v.Path],
                _ => [],
            };
            foreach (var path in paths)
            {
                var cmd = new NpgsqlBatchCommand(
                    "insert into eh_item_paths (path, item_id, first_revision) values (@path, @id, @rev) on conflict (path) do nothing");
                cmd.Parameters.AddWithValue("path", path);
                cmd.Parameters.AddWithValue("id", stored.StreamId);
                cmd.Parameters.AddWithValue("rev", stored.Version);
                batch.BatchCommands.Add(cmd);
            }
        }
        if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct);
    }
}
