namespace EventHistory.EventStore;

/// Who and why for an append; the user name comes from the authenticated caller, never the client's claim.
public sealed record EventMetadata(
    string? UserName,
    string? CorrelationId = null,
    string? CausationId = null,
    string? CommandId = null,
    IReadOnlyDictionary<string, string>? Headers = null,
    byte[]? RequestHash = null);

public sealed record StoredEvent(
    long Sequence,
    Guid Id,
    Guid StreamId,
    long Version,
    string Type,
    object Data,
    DateTimeOffset Timestamp,
    string? UserName,
    string? CorrelationId,
    string? CausationId,
    IReadOnlyDictionary<string, string>? Headers);

/// One stream's part of a multi-stream append (EventStore.AppendManyAsync): its expected version,
/// its events, the state at that version if the writer had it, and the command id that makes a
/// retried append of it a duplicate.
/// EventHeaders, when given, holds each event's own headers beside the batch's (a history import's
/// commit id, when one batch holds several commits).
public sealed record StreamAppend(
    Guid StreamId, string StreamType, long ExpectedVersion, IReadOnlyList<object> Events,
    object? StateBefore = null, string? CommandId = null,
    IReadOnlyList<IReadOnlyDictionary<string, string>?>? EventHeaders = null);

/// A batch held a command id that an earlier transaction appended: nothing of the batch was written.
public sealed class CommandAlreadyAppendedException(string commandId) : Exception($"Command {commandId} was appended already.")
{
    public string CommandId { get; } = commandId;
}

/// The stream is archived: it is kept whole, and nothing more is appended to it.
public sealed class StreamArchivedException(Guid streamId) : Exception($"Stream {streamId} is archived.")
{
    public Guid StreamId { get; } = streamId;
}

/// What an append did. A retried command (same command id) answers its first outcome with
/// <see cref="Duplicate"/> set and appends nothing.
public sealed record AppendResult(Guid StreamId, long FirstVersion, long LastVersion, bool Duplicate, IReadOnlyList<StoredEvent> Events);

public sealed class ConcurrencyException(Guid streamId, long expected, long actual)
    : Exception($"Stream {streamId} is at version {actual}, not the expected {expected}.")
{
    public Guid StreamId { get; } = streamId;
    public long ExpectedVersion { get; } = expected;
    public long ActualVersion { get; } = actual;
}

/// A command id used again for another request: a new request needs a new id. Never a silent
/// duplicate, which would drop the second request's edit.
public sealed class CommandReusedException(string commandId)
    : Exception($"The command id '{commandId}' was first used for another request.")
{
    public string CommandId { get; } = commandId;
}

public sealed class StreamNotFoundException(Guid streamId) : Exception($"Stream {streamId} does not exist.")
{
    public Guid StreamId { get; } = streamId;
}
