namespace EventHistory.EventStore;

/// The locks an append takes are taken by eh_append_guard (Schema.sql), the first statement of
/// its batch. Here are those that other writers of a stream must share.
public static class StreamLock
{
    /// Marks the transaction as an appender of this schema for the global order's horizon
    /// (eh_feed_horizon in Schema.sql); must come before the transaction has an id.
    public const string EnterAppendSql = "select pg_advisory_xact_lock_shared(1162346500, hashtext(current_schema()))";

    /// The stream's own lock (@stream, a uuid), as eh_append_guard takes it: an archive holds it so
    /// that no append crosses it.
    public const string LockStreamSql = "select pg_advisory_xact_lock(1162346499, hashtext(current_schema() || '/' || @stream::text))";
}
