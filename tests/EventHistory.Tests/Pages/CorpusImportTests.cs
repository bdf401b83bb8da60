using System.Diagnostics;
using EventHistory.Pages;
using Xunit.Abstractions;

namespace EventHistory.Tests.Pages;

/// The whole corpus (en, en-versions, zh) into an empty store and back out, byte for byte.
public sealed class CorpusImportTests(ITestOutputHelper log)
{
    [Fact]
    public async Task the_whole_corpus_exports_byte_identical_and_importing_it_again_appends_nothing()
    {
        await using var harness = await PageImportHarness.CreateAsync();
        var files = PageImportHarness.CorpusFiles();
        var clock = Stopwatch.StartNew();
        var outcomes = await harness.ImportAllAsync(files);
        log.WriteLine($"imported {files.Count} pages in {clock.Elapsed.TotalSeconds:F1} s: {outcomes.Count(o => o.NewItem)} new items, {outcomes.Sum(o => o.Appended)} events");

        clock.Restart();
        var exported = await harness.ExportAsync();
        log.WriteLine($"exported {exported.Count} pages in {clock.Elapsed.TotalSeconds:F1} s");
        PageImportHarness.AssertExportMatches(exported, PageImportHarness.Expected());

        // A rebuild replays every event into every table of the projection: nothing another writer put there is lost.
        var inline = await harness.InlineTablesAsync();
        Assert.Contains("/news/2017/07/30/russian-president-vladimir-putin-expels-755-united-states-diplomats", inline);
        await harness.RebuildAsync(Projections.ProjectionCatalog.NewsItems);
        Assert.Equal(inline, await harness.InlineTablesAsync());
        // The async projections as Marten's daemon wrote them live, and as a rebuild through Marten does.
        await harness.CatchUpAsync();
        var live = await harness.AsyncTablesAsync();
        Assert.Contains("Putin", live);
        foreach (var projection in harness.AsyncProjections) await harness.RebuildAsync(projection);
        Assert.Equal(live, await harness.AsyncTablesAsync());
        // Search shows what the item says now: an import publishes its page last.
        Assert.Equal(0L, await harness.Db.ScalarAsync(
            "select count(*) from eh_item_search s join eh_items i on i.id = s.item_id where (s.headline, s.slug, s.summary) <> (i.headline, i.slug, i.state->>'summary')"));

        var (count, max) = (await harness.Db.ScalarAsync("select count(*) from mt_events"), await harness.Db.ScalarAsync("select max(seq_id) from mt_events"));
        var again = await harness.ImportAllAsync(files);
        Assert.All(again, o => Assert.Equal(0, o.Appended));
        Assert.Equal(count, await harness.Db.ScalarAsync("select count(*) from mt_events"));
        Assert.Equal(max, await harness.Db.ScalarAsync("select max(seq_id) from mt_events"));
    }

    [Fact]
    public async Task importing_in_another_order_gives_the_same_export_and_an_earlier_time_gives_the_older_page()
    {
        await using var harness = await PageImportHarness.CreateAsync();
        var files = PageImportHarness.CorpusFiles();
        files.Reverse();
        var random = new Random(20170730);
        var shuffled = files.OrderBy(_ => random.Next()).ToList();
        await harness.ImportAllAsync(shuffled);

        PageImportHarness.AssertExportMatches(await harness.ExportAsync(), PageImportHarness.Expected());

        var older = PageImportHarness.CorpusFiles().Single(f => f.File.Contains("/en-versions/"));
        var asOf = await harness.ExportAsync(new DateTimeOffset(2017, 7, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(await File.ReadAllTextAsync(older.File), asOf.Single(p => p.Path == older.Path).Text);
    }
}
