namespace EventHistory.EventStore;

/// One stream's append with its own who and why, as a writer asked for it.
internal sealed record AppendRequest(StreamAppend Append, EventMetadata Metadata);

/// Group commit: appends to different streams that arrive while others are being written share
/// one transaction, one batch and one commit. A transaction's fixed costs (its round trip, commit,
/// WAL flush, Marten session) are paid once for the group instead of once per append, which is
/// what bounds a store under many concurrent writers.
///
/// Nothing waits to fill a group: a writer that finds no group being written writes at once,
/// with whatever else is queued. Under light load every group is a single append, exactly as if
/// there were no grouping; under load, appends queue while one group is written and the next
/// group takes them all. One group at a time makes the largest groups (measured: bench measure 1
/// at 1, 2 and 4 groups at a time, docs/benchmarks.md). A group can stall, though (waiting for a stream's lock
/// that another process or an import holds): a writer whose append has waited StallAfter in the
/// queue writes a group itself, up to MaxInFlight groups at a time, so one stalled stream never
/// holds up the others for long.
///
/// A group is all or nothing, but its appends are independent: when the server refuses a group
/// (one stream's version was stale, one was archived, a command id was used already), each of its
/// appends is written again on its own, so each writer gets the outcome it would have got alone
/// and no append is refused for another's fault. A group lost with its connection is not written
/// again (its commit may have been applied): each writer gets that error, as it would alone.
internal sealed class GroupCommit(Func<IReadOnlyList<AppendRequest>, CancellationToken, Task<IReadOnlyList<AppendResult>>> write)
{
    /// The most groups written at the same time, each on its own connection, when groups stall.
    public int MaxInFlight { get; init; } = 4;

    /// How long a queued append waits for the group being written before it writes one itself.
    public TimeSpan StallAfter { get; init; } = TimeSpan.FromMilliseconds(50);

    /// The most appends in one group: bounds one transaction's size and lock count.
    public int MaxGroupSize { get; init; } = 64;

    private readonly object _gate = new();
    private readonly List<Pending> _queue = [];
    private int _inFlight;

    public async Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken ct)
    {
        var pending = new Pending(request, ct);
        lock (_gate) _queue.Add(pending);
        for (var limit = 1; !pending.Outcome.Task.IsCompleted; limit = MaxInFlight)
        {
            if (TakeSlot(pending, limit)) await WriteQueuedAsync(until: pending);
            else await Task.WhenAny(pending.Outcome.Task, Task.Delay(StallAfter, CancellationToken.None));
        }
        return await pending.Outcome.Task;
    }

    /// A slot to write groups in, if fewer than <paramref name="limit"/> are taken and the append
    /// is still queued (not in a group being written).
    private bool TakeSlot(Pending pending, int limit)
    {
        lock (_gate)
        {
            if (_inFlight >= limit || !_queue.Contains(pending)) return false;
            _inFlight++;
            return true;
        }
    }

    /// Writes groups from the queue. A writer that took a slot writes until its own append is done
    /// (then hands what is still queued to a pool thread, keeping the slot) or the queue is empty.
    private async Task WriteQueuedAsync(Pending? until)
    {
        while (true)
        {
            List<Pending> group;
            lock (_gate)
            {
                if (until is { Outcome.Task.IsCompleted: true } && _queue.Count > 0)
                {
                    _ = Task.Run(() => WriteQueuedAsync(until: null));
                    return;
                }
                group = TakeGroup();
                if (group.Count == 0)
                {
                    _inFlight--;
                    return;
                }
            }
            await WriteAsync(group);
        }
    }

    /// The oldest queued appends, one per stream (a second append to a stream waits for the next
    /// group, so its expected version is checked after the first's); cancelled ones are dropped.
    private List<Pending> TakeGroup()
    {
        var group = new List<Pending>();
        var streams = new HashSet<Guid>();
        for (var i = 0; i < _queue.Count && group.Count < MaxGroupSize;)
        {
            var p = _queue[i];
            if (p.Cancel.IsCancellationRequested)
            {
                p.Outcome.TrySetCanceled(p.Cancel);
                _queue.RemoveAt(i);
            }
            else if (streams.Add(p.Request.Append.StreamId))
            {
                group.Add(p);
                _queue.RemoveAt(i);
            }
            else i++;
        }
        return group;
    }

    private async Task WriteAsync(List<Pending> group)
    {
        if (group.Count == 1)
        {
            await WriteAloneAsync(group[0]);
            return;
        }
        IReadOnlyList<AppendResult> results;
        try
        {
            // Not cancelled by any one writer: the others' appends ride in the same transaction.
            results = await write([.. group.Select(p => p.Request)], CancellationToken.None);
        }
        catch (Exception e) when (IsRefusal(e))
        {
            foreach (var p in group) await WriteAloneAsync(p);
            return;
        }
        catch (Exception e)
        {
            foreach (var p in group) p.Outcome.TrySetException(e);
            return;
        }
        for (var i = 0; i < group.Count; i++) group[i].Outcome.TrySetResult(results[i]);
    }

    /// Whether the group surely was not committed: anything but a lost connection or a timeout
    /// (then the commit may have been sent and applied) means the transaction was rolled back.
    private static bool IsRefusal(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is Npgsql.PostgresException) return true;
            if (x is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException or IOException
                or System.Net.Sockets.SocketException) return false;
        }
        return true;
    }

    private async Task WriteAloneAsync(Pending p)
    {
        try
        {
            p.Outcome.TrySetResult((await write([p.Request], p.Cancel))[0]);
        }
        catch (Exception e)
        {
            p.Outcome.TrySetException(e);
        }
    }

    private sealed class Pending(AppendRequest request, CancellationToken cancel)
    {
        public AppendRequest Request { get; } = request;
        public CancellationToken Cancel { get; } = cancel;
        public TaskCompletionSource<AppendResult> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
