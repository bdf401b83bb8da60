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
        var store = domain.Get<EventStore.EventStore>();

        var longItem = (await domain.CreateAsync("An item whose headline is revised very many times")).ItemId;
        // Appended 500 to a transaction, as the long-history tests build theirs; each revision an hour apart.
        const int perAppend = 500;
        var start = DateTimeOffset.UtcNow.AddHours(-o.LongHistory);
        for (long version = 1; version < o.LongHistory;)
        {
            var count = (int)Math.Min(perAppend, o.LongHistory - version);
            var events = Enumerable.Range(1, count)
                .Select(i => (object)new SummaryRevised($"Summary of revision {version + i}, a sentence of usual length.", start.AddHours(version + i), "bench"))
                .ToList();
            await store.AppendAsync(longItem, NewsItemEventTypes.StreamType, version, events, new EventMetadata("bench-editor"));
            version += count;
        }
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
