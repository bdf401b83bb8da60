using EventHistory.EventStore;
using EventHistory.NewsItems;
using EventHistory.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventHistory.Bench.Measures;

/// Measure 8: the first page of the history page of an item with a long history against the one
/// of a one-revision item: what the /items/{id}/history endpoint does (GetHistoryPage, GetNewsItem,
/// the HistoryPage component rendered to HTML), in process, alternating, one reader. Keyset paging
/// reads one page of rows whatever the history's length, so the ratio stays near 1 + what rendering
/// 50 rows instead of 1 costs.
public static class HistoryPageRender
{
    public static async Task<IReadOnlyList<Measure>> RunAsync(Options o)
    {
        await using var schema = await BenchSchema.CreateAsync(o.ConnectionString, "bench_history_page");
        await using var domain = Domain.For(schema.Db);
        var store = domain.Get<EventStore.EventStore>();

        var longItem = (await domain.CreateAsync("An item whose summary is revised very many times")).ItemId;
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
        await schema.SettleAsync();

        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        var ctx = new WebContext("/items/x/history", null, Clock.Edited, null, false, new FormToken("token", "value"));

        async Task<int> RenderAsync(Guid id, int rows)
        {
            var page = await domain.SendAsync(new GetHistoryPage.Query(id, null, Web.HistoryPages.PageSize));
            var item = await domain.SendAsync(new GetNewsItem.Query(id));
            if (page.Entries.Count != rows) throw new InvalidOperationException($"The first page has {page.Entries.Count} rows, not {rows}.");
            var html = await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<Web.Components.HistoryPage>(
                ParameterView.FromDictionary(new Dictionary<string, object?>
                {
                    ["Ctx"] = ctx, ["Item"] = item, ["History"] = page, ["PageSize"] = Web.HistoryPages.PageSize,
                }))).ToHtmlString());
            return html.Length;
        }

        var firstPageRows = (int)Math.Min(o.LongHistory, Web.HistoryPages.PageSize);
        var (longPage, shortPage) = await Load.PairAsync(o.Reads, Math.Max(100, o.Reads / 10),
            async _ => await RenderAsync(longItem, firstPageRows), async _ => await RenderAsync(shortItem, 1));
        var note = $"{longPage.Samples:N0} renders each, alternating, one reader; the history page's first page ({firstPageRows} rows) of a " +
                   $"{o.LongHistory:N0}-revision item vs a 1-revision item's (1 row): GetHistoryPage + GetNewsItem + HistoryPage rendered to HTML.";
        return
        [
            new Measure($"8 history page of {o.LongHistory:N0} revisions vs 1, median", longPage.MedianMicros, shortPage.MedianMicros, "µs", "<= 1.3", note),
            new Measure($"8 history page of {o.LongHistory:N0} revisions vs 1, p99", longPage.P99Micros, shortPage.P99Micros, "µs", "<= 1.3", ""),
        ];
    }
}
