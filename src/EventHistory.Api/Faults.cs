using System.Net.Sockets;
using System.Text.Json;
using Npgsql;

namespace EventHistory.Api;

/// Problems for failures that are not the use cases' own: an unreachable database, unreadable JSON.
public static class Faults
{
    public const string RetryAfterSeconds = "5";

    /// The database is down, restarting or unreachable: the request may succeed later, unchanged.
    /// Constraint violations and SQL errors are not this: they are bugs, and stay 500.
    public static bool IsDatabaseUnavailable(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            // 25006: a write reached a server in recovery, as during a failover before the balancer
            // has moved over to the new primary. 26000: a statement the connection had prepared
            // (Npgsql prepares the frequent ones itself; we never name one) is unknown to the
            // server that answered, which is another session than the one it was prepared in:
            // seen once in a planned switchover behind HAProxy, from Marten's retry of a read on a
            // new connection (now off: MartenStore). The statement failed, so nothing was written,
            // and the pools are cleared on the way out.
            if (e is PostgresException p) return p.IsTransient || p.SqlState.StartsWith("08", StringComparison.Ordinal)
                || p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction
                || p.SqlState == PostgresErrorCodes.InvalidSqlStatementName;
            if (e is NpgsqlException or SocketException or TimeoutException) return true;
        }
        return false;
    }

    /// Unavailability met on a connection that was open, not in opening one: the session ended (a
    /// failover, a restart, a terminated backend) or its prepared statements are unknown to the
    /// server now answering. A fresh connection may well succeed at once (LostConnectionRetry); when the server
    /// refuses or does not answer, trying again at once would only double the wait.
    public static bool IsLostConnection(Exception e)
    {
        if (!IsDatabaseUnavailable(e)) return false;
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is TimeoutException or SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound
                    or SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TryAgain })
                return false;
        return true;
    }

    /// The pools' idle connections may all point at the server that went away, so they are dropped
    /// (the replica's too: a failover moves both): the next request opens fresh ones.
    public static void ClearPools(IServiceProvider services)
    {
        services.GetService<NpgsqlDataSource>()?.Clear();
        services.GetService<Infrastructure.Replica>()?.Db?.Clear();
    }

    /// 503 with Retry-After, the pools cleared: the service recovers by itself.
    public static IResult Unavailable() => new UnavailableResult();

    private sealed class UnavailableResult : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            ClearPools(http.RequestServices);
            http.Response.Headers.RetryAfter = RetryAfterSeconds;
            await Results.Problem(statusCode: 503, title: "Service unavailable",
                detail: "The database cannot be reached just now; nothing was written. Retry in a few seconds.").ExecuteAsync(http);
        }
    }

    /// Opening a connection gives up after 5 s unless the connection string says otherwise (Npgsql waits 15 s),
    /// so that an unreachable server (not just a refusing one) also gives a 503 soon.
    public static string FailFast(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return given.ContainsKey("Timeout") ? connectionString : new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5 }.ConnectionString;
    }

    /// A body that is not JSON, or JSON of the wrong shape: 400 naming the field when the parser knows it.
    public static IResult MalformedJson(JsonException e)
    {
        var field = FieldOf(e.Path);
        var message = e.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? $"'{field}' is not a field of this request (field names are case-sensitive)."
            : e.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)
            ? $"'{field}' is given more than once; give each field once."
            : field.Length == 0 ? "The body is not valid JSON." : $"'{field}' has the wrong type or is not valid JSON.";
        return Results.ValidationProblem(
            new Dictionary<string, string[]> { [field.Length == 0 ? "body" : field] = [message] },
            title: "The request body could not be read.");
    }

    /// "$.sources[0].url" is "sources[0].url"; "$['odd name']" is "odd name".
    public static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "";
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Replace("['", "").Replace("']", "");
    }
}
