using EventHistory.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace EventHistory.Articles;

/// One row per captured version, in the append's transaction, so a capture is readable as soon as it is acknowledged.
public sealed class SourceTextProjection : IInlineProjection
{
    public ValueTask<IReadOnlyList<NpgsqlBatchCommand>> ProjectAsync(ProjectionInput input, CancellationToken ct)
    {
        var writes = new List<NpgsqlBatchCommand>();
        foreach (var stored in input.Events)
        {
            if (stored.Data is not SourceTextCaptured e) continue;
            var cmd = new NpgsqlBatchCommand(
                """
                insert into eh_source_texts (item_id, source_url, version, source_name, revision, captured_at, recorded_at,
                                             article_date, trivial, sha256, byte_count, editor, reason, body)
                values (@item, @url, @version, @name, @revision, @captured, @recorded,
                        @date, @trivial, @sha, @bytes, @editor, @reason, @body)
                on conflict (item_id, source_url, version) do nothing
                """);
            var body = ArticleText.Encode(e.Text);
            cmd.Parameters.AddWithValue("item", stored.StreamId);
            cmd.Parameters.AddWithValue("url", e.SourceUrl);
            cmd.Parameters.AddWithValue("version", e.Version);
            cmd.Parameters.AddWithValue("name", e.SourceName);
            cmd.Parameters.AddWithValue("revision", stored.Version);
            cmd.Parameters.AddWithValue("captured", e.EditedAt);
            cmd.Parameters.AddWithValue("recorded", stored.Timestamp);
            cmd.Parameters.AddWithValue("date", NpgsqlDbType.Date, (object?)e.ArticleDate ?? DBNull.Value);
            cmd.Parameters.AddWithValue("trivial", e.Trivial);
            cmd.Parameters.AddWithValue("sha", e.Sha256);
            cmd.Parameters.AddWithValue("bytes", body.Length);
            cmd.Parameters.AddWithValue("editor", NpgsqlDbType.Varchar, (object?)stored.UserName ?? DBNull.Value);
            cmd.Parameters.AddWithValue("reason", NpgsqlDbType.Text, (object?)e.Reason ?? DBNull.Value);
            cmd.Parameters.AddWithValue("body", body);
            writes.Add(cmd);
        }
        return ValueTask.FromResult<IReadOnlyList<NpgsqlBatchCommand>>(writes);
    }
}
