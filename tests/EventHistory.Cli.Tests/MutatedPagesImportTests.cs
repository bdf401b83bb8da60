using System.Text.RegularExpressions;
using EventHistory.Access;
using EventHistory.Infrastructure;
using EventHistory.Testing;

namespace EventHistory.Cli.Tests;

/// Damaged real pages (truncated, flipped bytes, shuffled lines, huge lines, bad UTF-8, ...) into
/// `eventhistory import DIR`: no crash, a clear error for each rejected page, and nothing written
/// by a rejected page. 1,000 pages by default, 10,000 with scripts/test.sh --stress.
public sealed partial class MutatedPagesImportTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private string _key = null!;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eh-mutated-" + Guid.NewGuid().ToString("N"));

    private static int Count => Environment.GetEnvironmentVariable("EVENTHISTORY_STRESS") == "1" ? 10_000 : 1_000;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await ServiceRegistration.EnsureSchemaAsync(_db.DataSource);
        _key = await new ApiKeys(_db.DataSource).CreateAsync("fuzzer", Role.Editor);
    }

    public async Task DisposeAsync()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task every_mutated_page_is_imported_whole_or_rejected_with_its_file_and_a_reason()
    {
        var files = new Dictionary<string, MutatedPage>();
        foreach (var page in PageMutations.Generate(Count))
        {
            // Each page in a folder of its own, so copies of one corpus page do not overwrite each other.
            var file = Path.Combine(_dir, page.Index.ToString("D5"), page.Source);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllBytesAsync(file, page.Bytes);
            files[Path.GetFullPath(file)] = page;
        }

        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await Cli.RunAsync(["import", _dir], output, error, _db.ConnectionString, _key);

        var summary = Summary().Match(output.ToString());
        Assert.True(summary.Success, $"exit {code}, no summary line; the last errors: {string.Join("\n", error.ToString().Split('\n').TakeLast(4))}");
        var (pages, revisions, rejected) = (int.Parse(summary.Groups[1].Value), int.Parse(summary.Groups[2].Value), int.Parse(summary.Groups[3].Value));
        Assert.Equal(Count, pages);
        Assert.True(rejected > Count / 2, $"only {rejected} of {Count} damaged pages were rejected");
        Assert.Equal(1, code);

        var rejects = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(rejected, rejects.Length);
        foreach (var line in rejects)
        {
            var file = files.Keys.FirstOrDefault(f => line.StartsWith(f + ": ", StringComparison.Ordinal));
            Assert.True(file is not null, $"a reject that names no page file: {line[..Math.Min(line.Length, 300)]}");
            Assert.True(line.Length - file.Length > 10, $"a reject without a reason: {line}");
            Assert.True(line.Length < 2_000, $"a reject message that repeats the page: {files[file]}");
        }

        // Rejected pages wrote nothing: the events are exactly the revisions the accepted pages reported.
        Assert.Equal(revisions, await _db.ScalarAsync("select count(*) from mt_events"));
        await AssertNothingHalfWrittenAsync();
    }

    private async Task AssertNothingHalfWrittenAsync()
    {
        Assert.Equal(0L, await _db.ScalarAsync(
            """
            select count(*) from mt_events e join mt_streams s on s.id = e.stream_id and s.type = 'news_item'
            left join eh_item_revisions r on r.item_id = e.stream_id and r.revision = e.version
            where r.item_id is null
            """));
        Assert.Equal(0L, await _db.ScalarAsync(
            "select count(*) from eh_item_revisions r left join mt_events e on e.stream_id = r.item_id and e.version = r.revision where e.id is null"));
        Assert.Equal(0L, await _db.ScalarAsync(
            "select count(*) from mt_streams s left join eh_items i on i.id = s.id where s.type = 'news_item' and (i.id is null or i.revision <> s.version)"));
        Assert.Equal(0L, await _db.ScalarAsync(
            "select count(*) from mt_streams s where s.version <> (select coalesce(max(version), 0) from mt_events e where e.stream_id = s.id)"));
        var (output, error) = (new StringWriter(), new StringWriter());
        Assert.True(await Cli.RunAsync(["verify"], output, error, _db.ConnectionString) == 0, output + error.ToString());
    }

    [GeneratedRegex(@"^(\d+) pages: \d+ new items, (\d+) revisions, \d+ unchanged, (\d+) rejected", RegexOptions.Multiline)]
    private static partial Regex Summary();
}
