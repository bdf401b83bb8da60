using EventHistory.NewsItems;
using EventHistory.Pages;
using EventHistory.Testing;

namespace EventHistory.Tests.Pages;

public sealed class PageImportTests : IAsyncLifetime
{
    private PageImportHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await PageImportHarness.CreateAsync();
    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private const string Diplomats35 = "news/2016/12/29/the-united-states-expels-35-russian-diplomats-over-the-alleged-russian-interference-during-the-u-s-s-2016-presidential-election.md";
    private const string Diplomats755 = "news/2017/07/30/russian-president-vladimir-putin-expels-755-u-s-diplomats-in-response-to-new-sanctions-imposed-by-the-united-states.md";
    private const string Diplomats755Old = "news/2017/07/30/russia-united-states-relations-russian-president-vladimir-putin-expels-755-u-s-diplomats-in-response-to-new-sanctions-imposed-by-the-uni.md";
    private const string KonstanzNow = "news/2017/07/30/a-man-shoots-several-people-in-a-nightclub-in-konstanz-germany-killing-one-the-gunman-was-shot-and-killed-by-police.md";
    private const string KonstanzOld = "news/2017/07/30/konstanz-shooting-a-man-shoots-several-people-in-a-nightclub-in-konstanz-germany-killing-one-the-gunman-was-shot-and-killed-by-police.md";
    private static readonly string OlderSnapshot = Directory.GetFiles(Corpus.PathOf("en-versions"), "*.md", SearchOption.AllDirectories).Single();

    private Task<ImportOutcome> ImportAsync(string relative, DateTimeOffset? at = null) =>
        _harness.ImportAsync(Corpus.PathOf("en/" + relative), "/" + relative, at);

    private async Task<List<string>> EventTypesAsync(Guid stream)
    {
        await using var cmd = _harness.Db.DataSource.CreateCommand("select type from mt_events where stream_id = @s order by version");
        cmd.Parameters.AddWithValue("s", stream);
        await using var reader = await cmd.ExecuteReaderAsync();
        var types = new List<string>();
        while (await reader.ReadAsync()) types.Add(reader.GetString(0));
        return types;
    }

    [Fact]
    public async Task a_page_with_a_changes_list_becomes_first_version_update_and_current_version_with_their_times()
    {
        var outcome = await ImportAsync(Diplomats755);

        Assert.Equal(["news_item_created", "headline_revised", "page_published"], await EventTypesAsync(outcome.StreamId));
        var edited = await _harness.Db.ScalarAsync(
            $"select extract(epoch from edited_at)::bigint from eh_item_revisions where item_id = '{outcome.StreamId}' and revision = 1");
        Assert.Equal(new DateTimeOffset(2017, 8, 2, 7, 30, 5, TimeSpan.Zero).ToUnixTimeSeconds(), edited);
    }

    [Fact]
    public async Task the_older_snapshot_then_the_newer_appends_only_the_difference()
    {
        var first = await _harness.ImportAsync(OlderSnapshot, "/" + Diplomats35, new DateTimeOffset(2017, 6, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, first.Appended);

        var second = await ImportAsync(Diplomats35, new DateTimeOffset(2018, 12, 31, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(first.StreamId, second.StreamId);
        var types = (await EventTypesAsync(second.StreamId)).Skip(1).ToList();
        Assert.Equal(["cover_image_changed", .. Enumerable.Repeat("related_item_unlinked", 10), .. Enumerable.Repeat("related_item_linked", 5)], types);
        Assert.Equal(0, (await ImportAsync(Diplomats35, new DateTimeOffset(2018, 12, 31, 0, 0, 0, TimeSpan.Zero))).Appended);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task the_slug_files_of_a_renamed_item_end_in_one_stream_whatever_the_order(bool newestFirst)
    {
        string[] files = newestFirst ? [KonstanzNow, KonstanzOld] : [KonstanzOld, KonstanzNow];
        var outcomes = new List<ImportOutcome>();
        foreach (var file in files) outcomes.Add(await ImportAsync(file));

        Assert.Single(outcomes.Select(o => o.StreamId).Distinct());
        Assert.Equal(1, await _harness.Db.ScalarAsync("select count(*) from mt_streams"));
        var exported = await _harness.ExportAsync();
        Assert.Equal(["/" + KonstanzNow, "/" + KonstanzOld], exported.Select(p => p.Path).Order(StringComparer.Ordinal));
        foreach (var page in exported) Assert.Equal(await File.ReadAllTextAsync(Corpus.PathOf("en" + page.Path)), page.Text);
        foreach (var file in files) Assert.Equal(0, (await ImportAsync(file)).Appended);
    }

    public static TheoryData<string, string, int> BadPages()
    {
        var text = File.ReadAllText(Corpus.PathOf("en/" + Diplomats755));
        var lines = text.TrimEnd('\n').Split('\n');
        var changes = Array.IndexOf(lines, "### Changes:");
        var swapped = (string[])lines.Clone();
        (swapped[changes + 2], swapped[changes + 3]) = (swapped[changes + 3], swapped[changes + 2]);
        return new()
        {
            { "truncated", text[..(text.Length * 2 / 3)], 0 },
            { "changes reordered", string.Join('\n', swapped) + "\n", changes + 3 },
            { "garbage", "<html><body>Not Found</body></html>\n", 1 },
            { "binary", "\u0000\u0001PK\u0003\u0004", 1 },
        };
    }

    [Theory]
    [MemberData(nameof(BadPages))]
    public async Task a_bad_page_is_rejected_with_its_line_and_reason_and_writes_nothing(string kind, string text, int line)
    {
        await ImportAsync(Diplomats35);
        var before = await _harness.Db.ScalarAsync("select count(*) from mt_events");
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.md");
        await File.WriteAllTextAsync(file, text);
        try
        {
            var e = await Assert.ThrowsAsync<PageFormatException>(() => _harness.ImportAsync(file, "/" + Diplomats755, null));
            if (line > 0) Assert.Equal(line, e.Line);
            else Assert.True(e.Line > 1, kind);
            Assert.False(string.IsNullOrWhiteSpace(e.Reason));
        }
        finally { File.Delete(file); }
        Assert.Equal(before, await _harness.Db.ScalarAsync("select count(*) from mt_events"));
        Assert.Equal(1, await _harness.Db.ScalarAsync("select count(*) from eh_items"));
    }

    [Fact]
    public async Task a_snapshot_time_before_the_pages_own_changes_is_rejected()
    {
        var e = await Assert.ThrowsAsync<PageFormatException>(() => ImportAsync(Diplomats755, new DateTimeOffset(2017, 8, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Contains("before the page's last Changes entry", e.Message);
        Assert.Equal(0, await _harness.Db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task the_old_slug_file_after_the_current_page_is_an_earlier_page_and_the_current_version_stays()
    {
        var current = await ImportAsync(Diplomats755);
        var old = await ImportAsync(Diplomats755Old);

        Assert.Equal(current.StreamId, old.StreamId);
        Assert.Equal("earlier_page_found", (await EventTypesAsync(current.StreamId)).Last());
        var headline = await _harness.Db.DataSource.CreateCommand($"select headline from eh_items where id = '{current.StreamId}'").ExecuteScalarAsync();
        Assert.StartsWith("Russian President Vladimir Putin expels 755 U.S.", (string)headline!);
    }

    [Fact]
    public async Task an_import_needs_an_editor()
    {
        var importer = new PageImporter(new EventStore.EventStore(_harness.Db.DataSource, DomainEventTypes.Register(new()), []), new());
        await Assert.ThrowsAsync<EventHistory.Infrastructure.EditRejectedException>(() =>
            importer.ImportAsync("/" + Diplomats35, File.ReadAllText(Corpus.PathOf("en/" + Diplomats35)), null, default));
    }

    [Fact]
    public async Task a_path_that_is_not_a_page_path_is_invalid()
    {
        var validator = new ImportPage.Validator();
        Assert.False((await validator.ValidateAsync(new ImportPage.Command("/news/2017/7/30/x.md", "x"))).IsValid);
        Assert.True((await validator.ValidateAsync(new ImportPage.Command("/news/2017/07/30/x.md", "x"))).IsValid);
    }
}
