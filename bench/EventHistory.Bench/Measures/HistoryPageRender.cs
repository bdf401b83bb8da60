using EventHistory.EventStore;
using EventHistory.NewsItems;
using EventHistory.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventHistory.Bench.Measures;

/// Measure 9: the first page of the history page of an item with a long history against the one
/// of a one-revision item: GET /items/{id}/history from the real service (its own process, as
/// measure 2 runs it), one client, alternating; then, in process, what that endpoint does
/// (GetHistoryPage, GetNewsItem, the HistoryPage component rendered to HTML). Keyset paging
/// reads one page of rows whatever the history's length: against an item whose whole history is
/// one page the ratio is 1; against a one-revision item it is 1 + what rendering a page of rows
/// (20 by default, 50 in the last row) instead of one costs.
public static class HistoryPageRender
{
    public static async Task<IReadOnlyList<Measure>> RunAsync(Options o)
    {
        await using var schema = await BenchSchema.CreateAsync(o.ConnectionString, "bench_history_page");
        await using var domain = Domain.For(schema.Db);

        var longItem = await domain.CreateLongHistoryAsync("An item whose summary is revised very many times", o.LongHistory);
        var shortItem = (await domain.CreateAsync("An item that has only its first version")).ItemId;
        // A history exactly one page long: what the long item's first page costs beyond paging.
        var onePageItem = await domain.CreateLongHistoryAsync("An item with one page of history", Web.HistoryPages.PageSize);
        await schema.SettleAsync();

        var port = ChildProcess.FreePort();
        await using var service = ChildProcess.Start(o, "EventHistory.Api",
            ["--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default", "Warning"],
            new Dictionary<string, string> { ["EVENTHISTORY_DB"] = schema.ConnectionString, ["EVENTHISTORY_RATE_PER_SECOND"] = "1000000" });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await CommandPath.WaitUntilUpAsync(http, service);
        async Task GetAsync(Guid id, int rows)
        {
            using var response = await http.GetAsync($"/items/{id}/history");
            var html = await response.Content.ReadAsStringAsync();
            // Counted without splitting: the substrings were garbage made per row inside the timed request.
            var found = html.AsSpan().Count("<tr") - 1;
            if (!response.IsSuccessStatusCode || found != rows) throw new InvalidOperationException($"GET history answered {(int)response.StatusCode} with {found} rows, not {rows}.");
        }
        var (longHttp, shortHttp) = await Load.PairAsync(o.Reads, Math.Max(100, o.Reads / 10),
            async _ => await GetAsync(longItem, (int)Math.Min(o.LongHistory, Web.HistoryPages.PageSize)), async _ => await GetAsync(shortItem, 1));

        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var ctx = new WebContext("/items/x/history", null, Clock.Edited, null, false, new FormToken("token", "value"));

        async Task<int> RenderAsync(Guid id, int rows, int limit = Web.HistoryPages.PageSize)
        {
            var page = await domain.SendAsync(new GetHistoryPage.Query(id, null, limit));
            var item = await domain.SendAsync(new GetNewsItem.Query(id));
            if (page.Entries.Count != rows) throw new InvalidOperationException($"The first page has {page.Entries.Count} rows, not {rows}.");
            // A renderer per page, as the service has one per request: an HtmlRenderer keeps every
            // component it rendered until it is disposed, so one shared by all renders held each
            // page (~57 KB for 20 rows) and the collector copied them all, more for the longer page.
            await using var renderer = new HtmlRenderer(services, loggers);
            var html = await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<Web.Components.HistoryPage>(
                ParameterView.FromDictionary(new Dictionary<string, object?>
                {
                    ["Ctx"] = ctx, ["Item"] = item, ["History"] = page, ["PageSize"] = limit,
                }))).ToHtmlString());
            return html.Length;
        }

        var firstPageRows = (int)Math.Min(o.LongHistory, Web.HistoryPages.PageSize);
        var (longPage, shortPage) = await Load.PairAsync(o.Reads, Math.Max(100, o.Reads / 10),
            async _ => await RenderAsync(longItem, firstPageRows), async _ => await RenderAsync(shortItem, 1));
        var (longAgain, onePage) = await Load.PairAsync(o.Reads, Math.Max(100, o.Reads / 10),
            async _ => await RenderAsync(longItem, firstPageRows), async _ => await RenderAsync(onePageItem, firstPageRows));
        var (longFifty, shortFifty) = await Load.PairAsync(o.Reads, Math.Max(100, o.Reads / 10),
            async _ => await RenderAsync(longItem, 50, 50), async _ => await RenderAsync(shortItem, 1, 50));
        var note = $"{longPage.Samples:N0} renders each, alternating, one reader; the history page's first page ({firstPageRows} rows) of a " +
                   $"{o.LongHistory:N0}-revision item vs a 1-revision item's (1 row): GetHistoryPage + GetNewsItem + HistoryPage rendered to HTML.";
        var httpNote = $"{longHttp.Samples:N0} GET /items/{{id}}/history each, alternating, one client, the service in its own process: " +
                       $"the first page ({firstPageRows} rows) of a {o.LongHistory:N0}-revision item vs a 1-revision item's page, HTML read whole.";
        return
        [
            new Measure($"9 GET history page of {o.LongHistory:N0} revisions vs 1, median", longHttp.MedianMicros, shortHttp.MedianMicros, "µs", "<= 1.3", httpNote),
            new Measure($"9 GET history page of {o.LongHistory:N0} revisions vs 1, p99", longHttp.P99Micros, shortHttp.P99Micros, "µs", "<= 1.3", ""),
            new Measure($"9 in process: history page of {o.LongHistory:N0} revisions vs 1, median", longPage.MedianMicros, shortPage.MedianMicros, "µs", "<= 1.3", note),
            new Measure($"9 in process: history page of {o.LongHistory:N0} revisions vs 1, p99", longPage.P99Micros, shortPage.P99Micros, "µs", "<= 1.3", ""),
            new Measure($"9 in process: history page of {o.LongHistory:N0} revisions vs {Web.HistoryPages.PageSize}, median", longAgain.MedianMicros, onePage.MedianMicros, "µs", "<= 1.3",
                $"the same first page against an item whose whole history is one page ({firstPageRows} rows each): the history's length costs nothing."),
            new Measure($"9 in process: history page of {o.LongHistory:N0} revisions vs 1, 50 a page, median", longFifty.MedianMicros, shortFifty.MedianMicros, "µs", "<= 1.3",
                "with ?limit=50: 50 rows rendered against 1; the rows cost, not the history's length."),
        ];
    }
}
