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

    [Fact]
    public async Task two_importers_of_the_same_pages_at_once_append_each_page_once()
    {
        // Importer A stalls inside its append, holding the first stream's lock, on a lock this test
        // holds; importer B read the same pages as new meanwhile and waits for that stream's lock.
        // When A commits, B's expected versions are stale: it decides again, page by page, and
        // finds every page known. No command id is needed for that (imports claim none).
        var stall = Random.Shared.Next(1, int.MaxValue);
        await _harness.Db.ExecuteAsync(
            $$"""
            create function stall_new_stream() returns trigger language plpgsql as $$
            begin perform pg_advisory_xact_lock_shared({{stall}}::bigint); return new; end $$;
            create trigger stall_new_stream after insert on mt_streams for each row execute function stall_new_stream();
            """);
        var files = new[] { Diplomats755, KonstanzNow, Diplomats35 }.Select(p => (Corpus.PathOf("en/" + p), "/" + p)).ToList();
        await using var holder = await _harness.Db.DataSource.OpenConnectionAsync();
        await using (var hold = new Npgsql.NpgsqlCommand($"select pg_advisory_lock({stall}::bigint)", holder)) await hold.ExecuteNonQueryAsync();

        var first = Task.Run(() => _harness.ImportBatchAsync(files));
        var stalledPid = $"(select pid from pg_locks where locktype = 'advisory' and not granted and objsubid = 1 and objid = {stall})";
        await Poll.UntilAsync(async () => await _harness.Db.ScalarAsync($"select count(*) from {stalledPid} p") == 1,
            TimeSpan.FromSeconds(60), "importer A to stall in its append");
        var second = Task.Run(() => _harness.ImportBatchAsync(files));
        await Poll.UntilAsync(async () => await _harness.Db.ScalarAsync(
                $"""
                select count(*) from pg_locks w join pg_locks h on h.locktype = 'advisory' and h.granted and h.pid = {stalledPid}
                    and (h.database, h.classid, h.objid, h.objsubid) = (w.database, w.classid, w.objid, w.objsubid)
                where w.locktype = 'advisory' and not w.granted
                """) == 1,
            TimeSpan.FromSeconds(60), "importer B to wait for a stream importer A holds");
        await using (var release = new Npgsql.NpgsqlCommand($"select pg_advisory_unlock({stall}::bigint)", holder)) await release.ExecuteNonQueryAsync();

        var (a, b) = (await first, await second);
        Assert.All(a.Concat(b), r => Assert.Null(r.Rejection));
        Assert.All(a, r => Assert.True(r.Outcome!.Appended > 0));
        Assert.All(b, r => Assert.Equal(0, r.Outcome!.Appended));
        Assert.Equal(a.Sum(r => r.Outcome!.Appended), await _harness.Db.ScalarAsync("select count(*) from mt_events"));
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
