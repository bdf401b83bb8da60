namespace EventHistory.EventStore.Daemon;

/// The streams whose id lies in [From, To) (null: unbounded), in PostgreSQL's order of uuids (their
/// bytes as written). Stream ids are random or hashes, so equal spans hold about equal numbers of
/// streams.
public sealed record StreamSlice(Guid? From, Guid? To)
{
    public static readonly StreamSlice All = new(null, null);

    /// <paramref name="count"/> slices that together hold every stream once, cut on the id's first 32 bits.
    public static IReadOnlyList<StreamSlice> Split(int count)
    {
        if (count <= 1) return [All];
        var cuts = Enumerable.Range(1, count - 1)
            .Select(k => (Guid?)Guid.Parse($"{(uint)((ulong)k * 0x1_0000_0000UL / (ulong)count):x8}-0000-0000-0000-000000000000")).ToList();
        return [.. Enumerable.Range(0, count).Select(k => new StreamSlice(k == 0 ? null : cuts[k - 1], k == count - 1 ? null : cuts[k]))];
    }

    /// The SQL condition on <paramref name="column"/>, beginning with " and ", or nothing for every stream.
    public string Condition(string column) =>
        (From is { } from ? $" and {column} >= '{from}'" : "") + (To is { } to ? $" and {column} < '{to}'" : "");
}
