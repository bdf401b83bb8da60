using System.Text.RegularExpressions;
using Npgsql;

namespace EventHistory.Infrastructure;

/// The database that lag-tolerant reads may use instead of the primary: a streaming replica
/// (EVENTHISTORY_READ_DB). Absent, every read goes to the primary.
public sealed class Replica(NpgsqlDataSource? db, TimeSpan wait)
{
    public NpgsqlDataSource? Db { get; } = db;
    /// How long a read that carries a consistency token waits for the replica to replay past it
    /// before it is served by the primary instead.
    public TimeSpan Wait { get; } = wait;
    public static Replica None { get; } = new(null, TimeSpan.Zero);
}

/// Where one request's reads go. A read that tolerates lag (a past revision, a history, a search)
/// asks here for its data source. With a consistency token (the WAL position a write answered) the
/// replica serves it only once it has replayed that far, so an editor always sees their own edit;
/// a replica still behind after Replica.Wait, or unreachable, leaves the read to the primary.
/// Writes, the command log and the change feed never come here: they read the primary.
public sealed partial class ReadSource(NpgsqlDataSource primary, Replica replica)
{
    public const string PrimaryName = "primary";
    public const string ReplicaName = "replica";

    private NpgsqlDataSource? _chosen;

    /// The WAL position ("16/B374D848") this request's reads must reflect, if it sent one.
    public string? Token { get; set; }

    /// "primary" or "replica" once a read has chosen, for the Read-Source response header.
    public string? Used => _chosen is null ? null : _chosen == primary ? PrimaryName : ReplicaName;

    public bool HasReplica => replica.Db is not null;

    /// One choice per request, so all its reads see one database.
    public async ValueTask<NpgsqlDataSource> ForReadAsync(CancellationToken ct) =>
        _chosen ??= await ChooseAsync(ct);

    /// The primary's WAL position now. Asked after a write has committed, it is at or past that commit,
    /// so a read that sends it back as its token sees the write.
    public async Task<string> WritePositionAsync(CancellationToken ct)
    {
        await using var cmd = primary.CreateCommand("select pg_current_wal_lsn()::text");
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static bool IsToken(string value) => TokenShape().IsMatch(value);

    private async Task<NpgsqlDataSource> ChooseAsync(CancellationToken ct)
    {
        if (replica.Db is not { } db) return primary;
        if (Token is null) return db;
        var deadline = DateTime.UtcNow + replica.Wait;
        var pause = TimeSpan.FromMilliseconds(2);
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand(
                // A primary behind the read address (a replica's backup) is never behind itself.
                "select not pg_is_in_recovery() or coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = Token });
            while (true)
            {
                if (await cmd.ExecuteScalarAsync(ct) is true) return db;
                if (DateTime.UtcNow + pause > deadline) return primary;
                // Replay is a stream: polling at a growing interval costs the replica little.
                await Task.Delay(pause, ct);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(50).Ticks));
            }
        }
        catch (NpgsqlException)
        {
            return primary; // a replica down or restarting must not fail a read the primary can serve
        }
    }

    /// pg_lsn's text form: two hexadecimal halves.
    [GeneratedRegex("^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$")]
    private static partial Regex TokenShape();
}
