namespace EventHistory.EventStore;

/// The locks an append takes are taken by eh_append_guard (Schema.sql), the first statement of
/// its batch. This is the first of them, for code that must act as an appender of this schema.
public static class StreamLock
{
    /// Marks the transaction as an appender of this schema for the global order's horizon
    /// (eh_feed_horizon in Schema.sql); must come before the transaction has an id.
    public const string EnterAppendSql = "select pg_advisory_xact_lock_shared(1162346500, hashtext(current_schema()))";
}
