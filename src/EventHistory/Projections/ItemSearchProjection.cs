using EventHistory.EventStore;
using EventHistory.EventStore.Daemon;
using EventHistory.NewsItems;
using Npgsql;

namespace EventHistory.Projections;

/// item_search: the current headline and summary of every item, kept by the daemon.
public sealed class ItemSearchProjection : IAsyncProjection
{
    public string Name => "item_search";

    public async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<GlobalEvent> events, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var stored in events.Select(e => e.Event))
        {
            var (sql, parameters) = stored.Data switch
            {
                NewsItemCreated c => (
                    """
                    insert into eh_item_search (item_id, date, edition, slug, headline, summary, status)
                    values (@id, @date, @edition, @slug, @headline, @summary, 'Published')
                    on conflict (item_id) do update set date = excluded.date, edition = excluded.edition, slug = excluded.slug,
                        headline = excluded.headline, summary = excluded.summary, status = excluded.status
                    """,
                    new (string, object)[] { ("date", c.Date), ("edition", c.Edition), ("slug", c.Slug), ("headline", c.Headline), ("summary", c.Summary) }),
                HeadlineRevised h => ("update eh_item_search set headline = @headline, slug = @slug where item_id = @id",
                    [("headline", h.Headline), ("slug", h.Slug)]),
                SummaryRevised s => ("update eh_item_search set summary = @summary where item_id = @id", [("summary", s.Summary)]),
                NewsItemReverted v => ("update eh_item_search set headline = @headline, slug = @slug, summary = @summary where item_id = @id",
                    [("headline", v.Headline), ("slug", v.Slug), ("summary", v.Summary)]),
                NewsItemRetracted => ("update eh_item_search set status = 'Retracted' where item_id = @id", []),
                NewsItemRestored => ("update eh_item_search set status = 'Published' where item_id = @id", []),
                _ => ((string?)null, Array.Empty<(string, object)>()),
            };
            if (sql is null) continue;
            var cmd = new NpgsqlBatchCommand(sql);
            cmd.Parameters.AddWithValue("id", stored.StreamId);
            foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
            batch.BatchCommands.Add(cmd);
        }
        if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task ResetAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("delete from eh_item_search", conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
