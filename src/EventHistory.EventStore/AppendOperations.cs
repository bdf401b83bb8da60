using System.Data.Common;
using System.Text.RegularExpressions;
using JasperFx.Core.Exceptions;
using JasperFx.Events;
using Npgsql;
using NpgsqlTypes;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Storage;

namespace EventHistory.EventStore;

// Our statements ride in Marten's one batch for the append (Marten's public QueueOperation), so
// an append is one round trip plus its commit. Marten runs event operations first, in the order
// they were queued, then the others: the guard is queued as an event operation before the stream
// is appended to, and everything else after.

/// eh_append_guard (Schema.sql): the appender's shared lock, the command id's claim, the stream's
/// lock and the expected version, before Marten draws any sequence number.
internal sealed partial class AppendGuard(Guid streamId, long expectedVersion, string? commandId, byte[]? requestHash)
    : Marten.Internal.Operations.IStorageOperation, IExceptionTransform
{
    public Type DocumentType => typeof(IEvent);

    public OperationRole Role() => OperationRole.Events;

    public void ConfigureCommand(Weasel.Postgresql.ICommandBuilder builder, IStorageSession session) =>
        FunctionCall.Append(builder, "select eh_append_guard",
            (streamId, NpgsqlDbType.Uuid), (expectedVersion, NpgsqlDbType.Bigint),
            (commandId, NpgsqlDbType.Varchar), (requestHash, NpgsqlDbType.Bytea));

    public Task PostprocessAsync(DbDataReader reader, IList<Exception> exceptions, CancellationToken token) => Task.CompletedTask;

    [GeneratedRegex(@"^(?<actual>\d+) is the version of stream (?<stream>[0-9a-f-]{36}), not (?<expected>\d+)$")]
    private static partial Regex Refusal();

    [GeneratedRegex(@"^stream (?<stream>[0-9a-f-]{36}) is archived$")]
    private static partial Regex Archived();

    public bool TryTransform(Exception original, out Exception transformed)
    {
        transformed = original;
        var pg = original as PostgresException ?? original.InnerException as PostgresException;
        switch (pg?.SqlState)
        {
            // Marten asks the first operation of the batch that transforms errors, which in a batch
            // of several streams may be another stream's guard: the message names the one refused.
            case "EH409" when Refusal().Match(pg.MessageText) is { Success: true } m:
                transformed = new ConcurrencyException(Guid.Parse(m.Groups["stream"].Value), long.Parse(m.Groups["expected"].Value),
                    long.Parse(m.Groups["actual"].Value));
                return true;
            case "EH410" when Archived().Match(pg.MessageText) is { Success: true } m:
                transformed = new StreamArchivedException(Guid.Parse(m.Groups["stream"].Value));
                return true;
            case "EH002": transformed = new CommandAlreadyAppendedException(pg.MessageText["command ".Length..^" was appended already".Length]); return true;
            case "EH40R": transformed = new AppendOutOfOrderException(); return true;
            default: return false;
        }
    }
}

/// Chains the events Marten stored for the batch's streams onto their hash chains
/// (eh_chain_append_many, one statement for the batch) and reads back what was stored: the
/// sequence numbers the server drew, the versions and the times, by stream.
internal sealed class ChainAppend(IReadOnlyList<(Guid Stream, long From, long To)> streams) : Marten.Internal.Operations.IStorageOperation
{
    public Dictionary<Guid, List<(long Sequence, long Version, DateTimeOffset Recorded)>> Stored { get; } = [];

    public Type DocumentType => typeof(StoredEvent);

    public OperationRole Role() => OperationRole.Other;

    public void ConfigureCommand(Weasel.Postgresql.ICommandBuilder builder, IStorageSession session) =>
        FunctionCall.Append(builder, "select stream_id, seq_id, version, recorded from eh_chain_append_many",
            (streams.Select(s => s.Stream).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid),
            (streams.Select(s => s.From).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint),
            (streams.Select(s => s.To).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint));

    public async Task PostprocessAsync(DbDataReader reader, IList<Exception> exceptions, CancellationToken token)
    {
        while (await reader.ReadAsync(token))
        {
            var stream = reader.GetGuid(0);
            if (!Stored.TryGetValue(stream, out var stored)) Stored[stream] = stored = [];
            stored.Add((reader.GetInt64(1), reader.GetInt64(2), await reader.GetFieldValueAsync<DateTimeOffset>(3, token)));
        }
    }
}

/// A statement that returns no rows (a projection's write, the command log's record), written as
/// an NpgsqlBatchCommand with @named parameters; Marten's batch numbers its parameters, so each
/// @name is sent as the next positional parameter with the named one's value and type.
internal sealed partial class QueuedWrite(NpgsqlBatchCommand command) : Marten.Internal.Operations.IStorageOperation, NoDataReturnedCall
{
    public Type DocumentType => typeof(QueuedWrite);

    public OperationRole Role() => OperationRole.Other;

    public void ConfigureCommand(Weasel.Postgresql.ICommandBuilder builder, IStorageSession session)
    {
        var sql = command.CommandText;
        var at = 0;
        foreach (Match name in ParameterName().Matches(sql))
        {
            builder.Append(sql[at..name.Index]);
            var parameter = command.Parameters[name.Groups[1].Value];
            builder.AppendParameter(parameter.Value ?? DBNull.Value,
                parameter.Value is null or DBNull && parameter.NpgsqlDbType == NpgsqlDbType.Unknown ? null : parameter.NpgsqlDbType);
            at = name.Index + name.Length;
        }
        builder.Append(sql[at..]);
    }

    public Task PostprocessAsync(DbDataReader reader, IList<Exception> exceptions, CancellationToken token) => Task.CompletedTask;

    // @name, not inside a word (an e-mail in a literal) and not the jsonb operators @> / @@ / @?.
    [GeneratedRegex(@"(?<![\w@])@([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ParameterName();
}

/// `HEAD(arg, ...)`, each argument a typed positional parameter of Marten's batch (null as NULL).
internal static class FunctionCall
{
    public static void Append(Weasel.Postgresql.ICommandBuilder builder, string head, params (object? Value, NpgsqlDbType Type)[] arguments)
    {
        builder.Append(head);
        builder.Append("(");
        for (var i = 0; i < arguments.Length; i++)
        {
            if (i > 0) builder.Append(", ");
            builder.AppendParameter(arguments[i].Value ?? DBNull.Value, arguments[i].Type);
        }
        builder.Append(")");
    }
}

/// This transaction's id is older than the stream's last writer's: retry in a new one.
internal sealed class AppendOutOfOrderException() : Exception("The append's transaction is older than the stream's last writer.");
