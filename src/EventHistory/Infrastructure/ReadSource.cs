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
/// opens its connection here. With a consistency token (the WAL position a write answered) a replica
/// connection is handed out only once the server it reached has replayed that far, so an editor always
/// sees their own edit; a replica still behind after Replica.Wait, or unreachable, leaves the read to
/// the primary. Writes, the command log and the change feed never come here: they read the primary.
public sealed partial class ReadSource(NpgsqlDataSource primary, Replica replica)
{
    public const string PrimaryName = "primary";
    public const string ReplicaName = "replica";

    /// Set once the replica failed this request: its later reads go straight to the primary.
    private bool _primaryOnly;

    /// The WAL position ("16/B374D848") this request's reads must reflect, if it sent one.
    public string? Token { get; set; }

    /// "primary" or "replica" once a read has opened its connection, for the Read-Source response header.
    public string? Used { get; private set; }

    public bool HasReplica => replica.Db is not null;

    /// An open connection for a read; the caller disposes it. The freshness check runs on this very
    /// connection: the replica's address (a balancer) may reach another server on each connection, a
    /// lagging replica or the primary, so a check on one says nothing about the next.
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        if (replica.Db is { } db && !_primaryOnly)
        {
            NpgsqlConnection? conn = null;
            try
            {
                conn = await db.OpenConnectionAsync(ct);
                if (Token is null || await ReplayedAsync(conn, Token, ct))
                {
                    Used = ReplicaName;
                    return conn;
                }
            }
            catch (NpgsqlException)
            {
                // A replica down or restarting must not fail a read the primary can serve.
            }
            if (conn is not null) await conn.DisposeAsync();
            _primaryOnly = true;
        }
        Used = PrimaryName;
        return await primary.OpenConnectionAsync(ct);
    }

    /// The primary's WAL position now. Asked after a write has committed, it is at or past that commit,
    /// so a read that sends it back as its token sees the write.
    public async Task<string> WritePositionAsync(CancellationToken ct)
    {
        await using var cmd = primary.CreateCommand("select pg_current_wal_lsn()::text");
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static bool IsToken(string value) => TokenShape().IsMatch(value);

    /// Whether the server behind this connection has replayed past the token, waiting up to Replica.Wait.
    /// Replay only moves forward, so what this connection reads next reflects the token.
    private async Task<bool> ReplayedAsync(NpgsqlConnection conn, string token, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + replica.Wait;
        var pause = TimeSpan.FromMilliseconds(2);
        await using var cmd = new NpgsqlCommand(
            // A primary behind the read address (a replica's backup) is never behind itself.
            "select not pg_is_in_recovery() or coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = token });
        while (true)
        {
            if (await cmd.ExecuteScalarAsync(ct) is true) return true;
            if (DateTime.UtcNow + pause > deadline) return false;
            // Replay is a stream: polling at a growing interval costs the replica little.
            await Task.Delay(pause, ct);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(50).Ticks));
        }
    }

    /// pg_lsn's text form: two hexadecimal halves.
    [GeneratedRegex("^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$")]
    private static partial Regex TokenShape();
}
