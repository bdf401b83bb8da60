using EventHistory.Access;
using EventHistory.Infrastructure;
using EventHistory.Testing;

namespace EventHistory.Cli.Tests;

public sealed class ImportExportTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private string? _key;
    private readonly string _work = Path.Combine(Path.GetTempPath(), "eh-cli-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await ServiceRegistration.EnsureSchemaAsync(_db.DataSource);
        var keys = new ApiKeys(_db.DataSource);
        _key = await keys.CreateAsync("cli-editor", Role.Editor);
        Directory.CreateDirectory(_work);
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EventHistory.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root");
    }

    public async Task DisposeAsync()
    {
        Directory.Delete(_work, true);
        await _db.DisposeAsync();
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await Cli.RunAsync(args, output, error, _db.ConnectionString, _key);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task the_samples_import_once_export_byte_for_byte_and_a_second_import_appends_nothing()
    {
        var samples = Path.Combine(FindRepo(), "samples");
        var (code, output, error) = await RunAsync("import", samples);
        Assert.True(code == 0, error);
        Assert.Contains("10 pages: 6 new items", output);
        Assert.Contains("0 rejected", output);
        var events = await _db.ScalarAsync("select count(*) from mt_events");

        (code, output, _) = await RunAsync("import", samples);
        Assert.Equal(0, code);
        Assert.Contains("0 revisions, 10 unchanged", output);
        Assert.Equal(events, await _db.ScalarAsync("select count(*) from mt_events"));

        var outDir = Path.Combine(_work, "out");
        (code, output, _) = await RunAsync("export", "--out", outDir);
        Assert.Equal(0, code);
        foreach (var file in Directory.EnumerateFiles(samples, "*.md", SearchOption.AllDirectories).Where(f => !f.EndsWith("README.md")))
            Assert.Equal(await File.ReadAllBytesAsync(file), await File.ReadAllBytesAsync(Path.Combine(outDir, Path.GetRelativePath(samples, file))));
        Assert.Equal(10, Directory.EnumerateFiles(outDir, "*.md", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task a_directory_with_a_bad_page_imports_the_rest_names_file_and_line_and_exits_1()
    {
        var dir = Path.Combine(_work, "mixed", "news", "2016", "12", "29");
        Directory.CreateDirectory(dir);
        var good = Directory.GetFiles(Corpus.PathOf("en/news/2016/12/29")).Single();
        File.Copy(good, Path.Combine(dir, Path.GetFileName(good)));
        var bad = Path.Combine(dir, "truncated.md");
        await File.WriteAllTextAsync(bad, (await File.ReadAllTextAsync(good))[..300]);

        var (code, output, error) = await RunAsync("import", Path.Combine(_work, "mixed"));

        Assert.Equal(1, code);
        Assert.Contains("2 pages: 1 new items, 1 revisions, 0 unchanged, 1 rejected", output);
        Assert.Contains($"{bad}: line ", error);
        Assert.Equal(1, await _db.ScalarAsync("select count(*) from eh_items"));
    }

    [Fact]
    public async Task an_import_without_an_editor_key_is_refused_and_writes_nothing()
    {
        _key = "ehk_not-a-key";
        var before = await _db.ScalarAsync("select count(*) from mt_events");
        var (code, _, error) = await RunAsync("import", Corpus.PathOf("en/news/1999"));
        Assert.Equal(1, code);
        Assert.Contains("EVENTHISTORY_KEY", error);
        Assert.Equal(before, await _db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task bad_times_are_usage_errors()
    {
        Assert.Equal(2, (await RunAsync("import", Corpus.PathOf("en/news/1999"), "--at", "yesterday-ish")).Code);
        Assert.Equal(2, (await RunAsync("export")).Code);
    }
}
