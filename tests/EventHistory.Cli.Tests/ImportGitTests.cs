using EventHistory.Testing;

namespace EventHistory.Cli.Tests;

/// import-git replays a repository built here from real corpus pages: a page added, edited, its
/// slug renamed, a day page changed, a README.md day page added, pages deleted. Export as of each
/// commit's time must give that commit's news/ tree byte for byte.
public sealed class ImportGitTests : CliTestBase
{
    private string Repo => Path.Combine(Work, "site");
    private readonly List<(string Id, DateTimeOffset Time)> _commits = [];

    private const string Day = "news/2017/07/30/index.md";
    private const string Readme = "news/2017/07/30/README.md";
    private const string Diplomats35 = "news/2016/12/29/the-united-states-expels-35-russian-diplomats-over-the-alleged-russian-interference-during-the-u-s-s-2016-presidential-election.md";
    private const string KonstanzOld = "news/2017/07/30/konstanz-shooting-a-man-shoots-several-people-in-a-nightclub-in-konstanz-germany-killing-one-the-gunman-was-shot-and-killed-by-police.md";
    private const string KonstanzNew = "news/2017/07/30/a-man-shoots-several-people-in-a-nightclub-in-konstanz-germany-killing-one-the-gunman-was-shot-and-killed-by-police.md";
    private const string Odd = "news/2017/07/30/an-odd-page.md";
    private const string Euro = "news/1999/01/1/the-euro-currency-is-introduced.md";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Directory.CreateDirectory(Repo);
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "generator@example.org");
        Git("config", "user.name", "generator");

        var olderDiplomats = Corpus.PathOf("en-versions/0cc0206de2a17f6e748f48575d7a41c89d450b75/" + Diplomats35);
        Commit("add a page and the day page", (Diplomats35, File.ReadAllText(olderDiplomats)), (Day, CorpusText(Day)), (Euro, CorpusText(Euro)));
        Commit("the page is edited", (Diplomats35, CorpusText(Diplomats35)));
        Commit("an item appears under its first slug", (KonstanzOld, CorpusText(KonstanzOld)));
        Commit("its headline changes: a new slug file", (KonstanzNew, CorpusText(KonstanzNew)));
        Commit("the day page changes and gets a README.md",
            (Day, CorpusText(Day).Replace("Konstanz", "Constance", StringComparison.Ordinal)),
            (Readme, CorpusText(Day).Replace("Konstanz", "Constance", StringComparison.Ordinal)));
        Commit("the old slug file and another item leave the site", (KonstanzOld, null), (Euro, null));
        Commit("a page comes back to an earlier text", (Diplomats35, File.ReadAllText(olderDiplomats)));
        Commit("a page in a layout nobody knows yet", (Odd, "<h1>An odd page</h1>\n\nwritten by hand  \n"));
    }

    [Fact]
    public async Task a_replayed_history_exports_every_commits_tree_byte_for_byte_and_a_second_run_appends_nothing()
    {
        var (code, output, error) = await RunAsync("import-git", Repo);
        Assert.True(code == 0, output + error);
        Assert.Contains($"{_commits.Count} commits, 12 page versions", output);
        // The odd page is kept byte for byte (export below shows it), and said once on stderr.
        Assert.Contains("11 parsed into the item model, 1 kept verbatim, 0 rejected", output);
        Assert.Contains($"{_commits[^1].Id[..12]} /{Odd}: kept verbatim, line 1: ", error);

        foreach (var (id, time) in _commits)
        {
            var exported = Path.Combine(Work, "export-" + id);
            (code, output, error) = await RunAsync("export", "--out", exported, "--as-of", time.ToString("O"), "--edition", "en");
            Assert.True(code == 0, output + error);
            Assert.Equal(new GitRepository(Repo).NewsTreeAt(id), GitRepository.FilesUnder(exported, "news"));
        }

        var events = await Db.ScalarAsync("select count(*) from mt_events");
        (code, output, _) = await RunAsync("import-git", Repo);
        Assert.Equal(0, code);
        Assert.Contains("nothing to import", output);
        Assert.Equal(events, await Db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task an_import_cut_short_goes_on_after_its_last_commit_and_every_event_names_its_commit()
    {
        var (code, output, error) = await RunAsync("import-git", Repo, "--to", _commits[2].Id);
        Assert.True(code == 0, output + error);
        Assert.Contains("3 commits", output);

        (code, output, error) = await RunAsync("import-git", Repo);
        Assert.True(code == 0, output + error);
        Assert.Contains($"{_commits.Count - 3} commits", output);
        Assert.Contains("resumed", output);

        // Each event carries its commit and the commit's time is its edit time.
        Assert.Equal(0L, await Db.ScalarAsync("select count(*) from mt_events where headers->>'git-commit' is null and type <> 'tombstone'"));
        var deleted = await Db.ScalarAsync(
            $"select count(*) from mt_events where type = 'page_file_deleted' and headers->>'git-commit' = '{_commits[5].Id}'");
        Assert.Equal(2L, deleted);
        Assert.Equal(1L, await Db.ScalarAsync("select count(*) from mt_events where type = 'page_file_deleted' and data->>'reason' like 'the item left the site%'"));
        Assert.Equal((long)_commits.Count, await Db.ScalarAsync("select count(*) from mt_events where type = 'git_commit_imported'"));
    }

    private string CorpusText(string path) => File.ReadAllText(Corpus.PathOf("en/" + path));

    private void Commit(string message, params (string Path, string? Text)[] files)
    {
        foreach (var (path, text) in files)
        {
            var file = Path.Combine(Repo, path);
            if (text is null) File.Delete(file);
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllText(file, text);
            }
        }
        Git("add", "-A");
        // One commit a day from 2019-01-01: the commit time is each version's edit time.
        var time = new DateTimeOffset(2019, 1, 1 + _commits.Count, 12, 0, 0, TimeSpan.Zero);
        Git(new Dictionary<string, string> { ["GIT_COMMITTER_DATE"] = time.ToString("O"), ["GIT_AUTHOR_DATE"] = time.ToString("O") },
            "commit", "-q", "-m", message);
        _commits.Add((Git("rev-parse", "HEAD").Trim(), time));
    }

    private string Git(params string[] args) => new GitRepository(Repo).Run(args);

    private string Git(Dictionary<string, string> environment, params string[] args) => new GitRepository(Repo).Run(environment, args);
}
