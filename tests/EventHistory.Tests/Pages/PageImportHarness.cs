using EventHistory.Infrastructure;
using EventHistory.Pages;
using EventHistory.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Tests.Pages;

/// Imports corpus files straight through the importer (as the editor "importer") into a test schema.
public sealed class PageImportHarness : IAsyncDisposable
{
    public TestDatabase Db { get; }
    private readonly ServiceProvider _services;

    private PageImportHarness(TestDatabase db)
    {
        Db = db;
        _services = new ServiceCollection().AddEventHistory(db.DataSource).BuildServiceProvider();
    }

    public static async Task<PageImportHarness> CreateAsync()
    {
        var db = await TestDatabase.CreateAsync();
        await ServiceRegistration.EnsureSchemaAsync(db.DataSource);
        return new PageImportHarness(db);
    }

    /// English snapshots are taken as of their commits: the en-versions page is older than the en one.
    public static DateTimeOffset? SnapshotTime(string file) =>
        file.Contains("/en-versions/") ? new DateTimeOffset(2017, 6, 1, 0, 0, 0, TimeSpan.Zero)
        : file.Contains("/en/") ? new DateTimeOffset(2018, 12, 31, 0, 0, 0, TimeSpan.Zero)
        : null;

    public static List<(string File, string Path)> CorpusFiles() => PageFormatTests.CorpusPages().ToList();

    public async Task<ImportOutcome> ImportAsync(string file, string path, DateTimeOffset? at)
    {
        using var scope = _services.CreateScope();
        return await Importer(scope).ImportAsync(path, await File.ReadAllTextAsync(file), at, default);
    }

    /// The files as one batch (one transaction), each at its snapshot time.
    public async Task<IReadOnlyList<PageResult>> ImportBatchAsync(IEnumerable<(string File, string Path)> files)
    {
        var pages = new List<PageInput>();
        foreach (var (file, path) in files) pages.Add(new PageInput(path, await File.ReadAllTextAsync(file), SnapshotTime(file)));
        using var scope = _services.CreateScope();
        return await Importer(scope).ImportManyAsync(pages, new ImportOptions(), default);
    }

    /// The importer of a scope of its own, acting as the editor "importer".
    private static PageImporter Importer(IServiceScope scope)
    {
        var editor = scope.ServiceProvider.GetRequiredService<EditorContext>();
        editor.Editor = "importer";
        return new PageImporter(scope.ServiceProvider.GetRequiredService<EventStore.EventStore>(), editor);
    }

    public async Task<List<ImportOutcome>> ImportAllAsync(IEnumerable<(string File, string Path)> files)
    {
        var outcomes = new List<ImportOutcome>();
        foreach (var (file, path) in files) outcomes.Add(await ImportAsync(file, path, SnapshotTime(file)));
        return outcomes;
    }

    public Task<List<ExportedPage>> ExportAsync(DateTimeOffset? asOf = null) =>
        new PageExporter(_services.GetRequiredService<EventStore.EventStore>()).ExportAsync(asOf, default);

    /// The corpus file each exported path must equal: en/ and zh/ hold the newest snapshot of every path.
    public static Dictionary<string, string> Expected() =>
        CorpusFiles().Where(f => !f.File.Contains("/en-versions/")).ToDictionary(f => f.Path, f => f.File);

    /// Fails naming the first file and line that differ.
    public static void AssertExportMatches(IReadOnlyList<ExportedPage> exported, Dictionary<string, string> expected)
    {
        var byPath = exported.ToDictionary(p => p.Path, p => p.Text);
        foreach (var (path, file) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!byPath.TryGetValue(path, out var text)) Assert.Fail($"{file}: not exported");
            var want = File.ReadAllBytes(file);
            var got = new System.Text.UTF8Encoding(false).GetBytes(text);
            if (want.AsSpan().SequenceEqual(got)) continue;
            var a = System.Text.Encoding.UTF8.GetString(want).Split('\n');
            var b = text.Split('\n');
            var line = 0;
            while (line < a.Length && line < b.Length && a[line] == b[line]) line++;
            Assert.Fail($"{file}: line {line + 1} differs:\n  file:   {(line < a.Length ? a[line] : "(end)")}\n  export: {(line < b.Length ? b[line] : "(end)")}");
        }
        var extra = byPath.Keys.Except(expected.Keys).ToList();
        Assert.True(extra.Count == 0, $"exported pages that were never imported: {string.Join(", ", extra.Take(5))}");
    }

    /// Every row of the inline news_items tables, as text in a fixed order.
    public async Task<string> InlineTablesAsync()
    {
        await using var cmd = Db.DataSource.CreateCommand(
            """
            select (select string_agg(t::text, E'\n' order by t.id) from eh_items t) || E'\n--\n' ||
                   (select string_agg(t::text, E'\n' order by t.item_id, t.revision) from eh_item_revisions t) || E'\n--\n' ||
                   (select string_agg(t::text, E'\n' order by t.path) from eh_item_paths t)
            """);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    public Task<long> RebuildAsync(string projection) =>
        _services.GetRequiredService<Projections.ProjectionCatalog>().RebuildAsync(projection, null, default);

    public IEnumerable<string> AsyncProjections => _services.GetRequiredService<Projections.ProjectionCatalog>().Async.Select(p => p.Name);

    /// Every row the async projections wrote, as text in a fixed order.
    public async Task<string> AsyncTablesAsync()
    {
        await using var cmd = Db.DataSource.CreateCommand(
            """
            select coalesce((select string_agg(t::text, E'\n' order by t.item_id) from eh_item_search t), '') || E'\n--\n' ||
                   coalesce((select string_agg(t::text, E'\n' order by t.stream_id) from eh_stream_event_counts t), '')
            """);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    /// Runs Marten's daemon, as the service does, until every async projection has applied every event.
    public async Task CatchUpAsync()
    {
        using var stop = new CancellationTokenSource();
        var daemon = _services.GetRequiredService<EventStore.Daemon.AsyncDaemon>();
        var run = Task.Run(() => daemon.RunAsync(stop.Token));
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((await EventStore.Daemon.ProjectionStatusReader.ReadAsync(Db.DataSource, AsyncProjections)).Any(s => s.LagEvents > 0))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The async projections did not catch up.");
            await Task.Delay(100);
        }
        await stop.CancelAsync();
        await run;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Db.DisposeAsync();
    }
}
