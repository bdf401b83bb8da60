namespace EventHistory.EventStore;

/// The first place a stream's stored history stops matching its hash chain. Kind is
/// missing (a version is gone), order (an event does not link to the one stored before it, or
/// sits out of sequence), data (its stored bytes no longer give its hash) or head (the stream
/// row's version or last hash does not match its last event).
public sealed record ChainBreak(Guid StreamId, long Version, long? Sequence, string Kind, string Detail);

public sealed record ChainReport(long Events, long Streams, IReadOnlyList<ChainBreak> Breaks)
{
    public bool Intact => Breaks.Count == 0;
}

public static class HashChain
{
    /// Walks every stream (or one) in version order and reports, per stream, the first event that
    /// does not verify. The hashes (in eh_event_chain, beside Marten's mt_events) are recomputed
    /// from the stored events by the same SQL function that wrote them.
    public static async Task<ChainReport> VerifyAsync(this EventStore store, Guid? streamId = null, CancellationToken ct = default)
    {
        var heads = new Dictionary<Guid, (long Version, byte[]? Hash)>();
        await using (var cmd = store.DataSource.CreateCommand(
            """
            select s.id, s.version, c.hash from mt_streams s
            left join eh_event_chain c on c.stream_id = s.id and c.version = s.version
            where (@s::uuid is null or s.id = @s) and exists (select 1 from mt_events e where e.stream_id = s.id and e.type <> 'tombstone')
            """))
        {
            // A walk of the whole store lasts as long as the store is large: no time limit (Npgsql's
            // default is 30 s, which a busy machine's verify of the stress tests' store exceeded).
            // The caller's token (Ctrl+C, an aborted request) still cancels it.
            cmd.CommandTimeout = 0;
            cmd.Parameters.AddWithValue("s", NpgsqlTypes.NpgsqlDbType.Uuid, (object?)streamId ?? DBNull.Value);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) heads[r.GetGuid(0)] = (r.GetInt64(1), r.IsDBNull(2) ? null : r.GetFieldValue<byte[]>(2));
        }

        var breaks = new List<ChainBreak>();
        var broken = new HashSet<Guid>();
        var seen = new HashSet<Guid>();
        long events = 0;
        Guid? current = null;
        var (expected, prevHash, prevSeq) = (1L, (byte[]?)null, 0L);
        void Break(Guid s, long v, long? seq, string kind, string detail)
        {
            if (broken.Add(s)) breaks.Add(new ChainBreak(s, v, seq, kind, detail));
        }
        void CloseStream(Guid s)
        {
            var last = expected - 1;
            if (!heads.TryGetValue(s, out var head)) Break(s, last, null, "head", "events exist for a stream that has no stream row");
            else if (head.Version != last || !Same(head.Hash, prevHash))
                Break(s, Math.Max(last, head.Version), null, "head",
                    $"the stream row says version {head.Version}, its stored events end at version {last}" +
                    (head.Version == last ? " but with another hash" : ""));
        }

        await using (var cmd = store.DataSource.CreateCommand(
            """
            select e.stream_id, e.version, e.seq_id, c.prev_hash, c.hash,
                   coalesce(c.hash = eh_event_hash(c.prev_hash, e.stream_id, e.version, e.type, e.data, e.timestamp, e.user_name), false)
            from mt_events e left join eh_event_chain c on c.seq_id = e.seq_id
            where (@s::uuid is null or e.stream_id = @s) and e.type <> 'tombstone'
            order by e.stream_id, e.version
            """))
        {
            cmd.CommandTimeout = 0;
            cmd.Parameters.AddWithValue("s", NpgsqlTypes.NpgsqlDbType.Uuid, (object?)streamId ?? DBNull.Value);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var (stream, version, seq) = (r.GetGuid(0), r.GetInt64(1), r.GetInt64(2));
                var (linked, hash, intact) = (r.IsDBNull(3) ? null : r.GetFieldValue<byte[]>(3), r.IsDBNull(4) ? null : r.GetFieldValue<byte[]>(4), r.GetBoolean(5));
                if (stream != current)
                {
                    if (current is { } done) CloseStream(done);
                    (current, expected, prevHash, prevSeq) = (stream, 1, null, 0);
                    seen.Add(stream);
                }
                events++;
                if (version > expected)
                    Break(stream, expected, null, "missing", $"version {expected} is missing: the next stored event is version {version}");
                else if (!Same(linked, prevHash) || seq <= prevSeq)
                    Break(stream, version, seq, "order",
                        $"version {version} does not follow version {version - 1}: its link or its place in the sequence does not match");
                else if (hash is null)
                    Break(stream, version, seq, "data", $"version {version} has no hash: the store's append did not write it");
                else if (!intact)
                    Break(stream, version, seq, "data", $"the stored bytes of version {version} do not match its hash");
                (expected, prevHash, prevSeq) = (version + 1, hash, seq);
            }
            if (current is { } last) CloseStream(last);
        }
        foreach (var (id, head) in heads)
            if (head.Version > 0 && !seen.Contains(id))
                Break(id, 1, null, "missing", $"the stream row says version {head.Version} but no events are stored");
        return new ChainReport(events, heads.Count, breaks);
    }

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
