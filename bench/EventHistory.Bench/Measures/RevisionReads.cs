using EventHistory.EventStore;
using EventHistory.NewsItems;

namespace EventHistory.Bench.Measures;

/// Measure 4: reading revision 1 of an item with a long history against reading the current
/// revision of a one-revision item, both through the MediatR queries the API sends
/// (GetRevision, GetNewsItem), one reader, alternating so both see the same machine.
public static class RevisionReads
{
    public static async Task<IReadOnlyList<Measure>> RunAsync(Options o)
    {
        await using var schema = await BenchSchema.CreateAsync(o.ConnectionString, "bench_reads");
        await using var domain = Domain.For(schema.Db);

        var longItem = await domain.CreateLongHistoryAsync("An item whose headline is revised very many times", o.LongHistory);
        var shortItem = (await domain.CreateAsync("An item that has only its first version")).ItemId;
        var revisions = await schema.ScalarAsync($"select count(*) from eh_item_revisions where item_id = '{longItem}'");
        if (revisions != o.LongHistory) throw new InvalidOperationException($"The long item has {revisions} revisions, not {o.LongHistory}.");
        await schema.SettleAsync();

        var (first, current) = await Load.PairAsync(o.Reads, Math.Max(100, o.Reads / 10),
            async _ => Check(await domain.SendAsync(new GetRevision.Query(longItem, 1)), 1),
            async _ => Check(await domain.SendAsync(new GetNewsItem.Query(shortItem)), 1));
        var note = $"{first.Samples:N0} reads each, alternating, one reader; GetRevision(revision 1 of {o.LongHistory:N0}) vs " +
                   "GetNewsItem(1-revision item) via MediatR; both one primary-key row; bound by the round trip and JSON parsing.";
        return
        [
            new Measure($"4 read rev 1 of {o.LongHistory:N0} vs current, median", first.MedianMicros, current.MedianMicros, "µs", "<= 1.3", note),
            new Measure($"4 read rev 1 of {o.LongHistory:N0} vs current, p99", first.P99Micros, current.P99Micros, "µs", "<= 1.3", ""),
        ];
    }

    private static void Check(NewsItem item, long revision)
    {
        if (item.Revision != revision) throw new InvalidOperationException($"Read revision {item.Revision}, expected {revision}.");
    }
}
