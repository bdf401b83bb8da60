using EventHistory.Testing;

namespace EventHistory.Cli.Tests;

/// The real zh history (the bundle's 600 commits; the first 150 outside stress runs): import-git
/// parses every page version into the item model, a second run appends nothing, and export as of
/// every 50th commit's time gives that commit's news/ tree byte for byte.
public sealed class ZhHistoryImportTests : CliTestBase
{
    private static int Commits => Environment.GetEnvironmentVariable("EVENTHISTORY_STRESS") == "1" ? 600 : 150;

    private GitRepository _repo = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        new GitRepository(Work).Run("clone", "-q", Corpus.PathOf("zh-git/first-600-commits.bundle"), "zh");
        _repo = new GitRepository(Path.Combine(Work, "zh"));
    }

    [Fact]
    public async Task the_real_history_is_parsed_whole_and_exports_each_50th_commit_byte_for_byte()
    {
        var commits = _repo.Commits();
        Assert.Equal(600, commits.Count);
        var (code, output, error) = await RunAsync("import-git", _repo.Root, "--to", commits[Commits - 1].Id);
        Assert.True(code == 0, output + error);
        Assert.Contains(" 0 kept verbatim, 0 rejected", output);
        var events = await Db.ScalarAsync("select count(*) from mt_events");
        (code, output, _) = await RunAsync("import-git", _repo.Root, "--to", commits[Commits - 1].Id);
        Assert.Equal((0, events), (code, await Db.ScalarAsync("select count(*) from mt_events")));
        Assert.Contains("nothing to import", output);

        for (var n = 50; n <= Commits; n += 50)
        {
            var (id, time) = commits[n - 1];
            var exported = Path.Combine(Work, $"export-{n}");
            (code, output, error) = await RunAsync("export", "--out", exported, "--as-of", time.ToString("O"), "--edition", "zh");
            Assert.True(code == 0, output + error);
            var expected = _repo.NewsTreeAt(id);
            var actual = GitRepository.FilesUnder(exported, "news");
            Assert.Equal(expected.Keys, actual.Keys);
            Assert.Empty(expected.Where(f => actual[f.Key] != f.Value).Select(f => f.Key));
        }
    }
}
