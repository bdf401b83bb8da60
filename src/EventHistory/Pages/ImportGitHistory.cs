using EventHistory.EventStore;
using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;

namespace EventHistory.Pages;

/// Replays a git repository of the site's pages commit by commit, in commit order: each changed
/// page file becomes what it is as of its commit (the commit time is the edit time, the commit id
/// rides in every event's headers), a deleted file is recorded as deleted. Each commit commits
/// with its record in the import's progress stream, so a second run goes on after the last one
/// and Ctrl-C loses nothing committed.
public static class ImportGitHistory
{
    public sealed record Command(
        string Repository, string? Branch = null, string? From = null, string? To = null, string? Edition = null,
        Action<Progress>? OnCommit = null) : IRequest<Summary>;

    /// After each commit: how far the import is.
    public sealed record Progress(int Commits, int TotalCommits, int Pages, long Events, GitCommit Commit);

    public sealed record Summary(
        int Commits, int Pages, long Events, int Verbatim, int Rejected, string? LastCommit, bool Resumed,
        IReadOnlyList<string> Problems);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Repository).NotEmpty().Must(Directory.Exists).WithMessage(c => $"no such directory: {c.Repository}");
            RuleFor(c => c.Edition).Must(e => e is null or "en" or "zh").WithMessage("'Edition' is en or zh.");
        }
    }

    public sealed class Handler(EventStore.EventStore store, EditorContext editor) : IRequestHandler<Command, Summary>
    {
        public async Task<Summary> Handle(Command c, CancellationToken ct)
        {
            await using var git = new GitHistory(c.Repository);
            var root = await git.RootCommitAsync(c.Branch, ct);
            var edition = c.Edition ?? await DetectEditionAsync(git, c, ct);
            var progressId = PageStreams.GitImportId(root, edition);
            var done = (await store.ReadStreamAsync(progressId, ct)).Select(e => e.Data).OfType<GitCommitImported>().ToList();
            var after = c.From ?? done.LastOrDefault()?.Commit;

            var commits = new List<GitCommit>();
            await foreach (var commit in git.CommitsAsync(c.Branch, after, c.To, ct)) commits.Add(commit);
            var importer = new PageImporter(store, editor);
            var (pages, events, verbatim, rejected) = (0, 0L, 0, 0);
            var problems = new List<string>();
            var shapes = new HashSet<string>(StringComparer.Ordinal);
            var version = (long)done.Count;
            var (group, records, imported) = (new List<PageInput>(), new List<GitCommitImported>(), 0);
            GitCommit? lastCommit = null;

            // Consecutive commits share a transaction of up to BatchSize pages (a larger commit is
            // split): a commit's record commits with its last page, so a resumed run redoes at most
            // the commits cut short, and their pages already in append nothing (they are in force).
            async Task FlushAsync()
            {
                var chunks = group.Chunk(PageImporter.BatchSize).ToList();
                if (chunks.Count == 0) chunks.Add([]);
                foreach (var (chunk, last) in chunks.Select((ch, i) => (ch, i == chunks.Count - 1)))
                {
                    var alongside = last && records.Count > 0
                        ? new[] { new StreamAppend(progressId, PageStreams.GitImportType, version, [.. records], EventHeaders:
                            [.. records.Select(r => (IReadOnlyDictionary<string, string>?)new Dictionary<string, string> { ["git-commit"] = r.Commit })]) }
                        : null;
                    var results = await importer.ImportManyAsync(chunk, new ImportOptions(History: true, Alongside: alongside), ct);
                    foreach (var (input, r) in chunk.Zip(results)) Count(input, r);
                }
                version += records.Count;
                imported += records.Count;
                pages += group.Count;
                (group, records) = ([], []);
                if (lastCommit is not null) c.OnCommit?.Invoke(new Progress(imported, commits.Count, pages, events, lastCommit));
            }

            void Count(PageInput input, PageResult r)
            {
                var commit = input.Headers!["git-commit"][..12];
                if (r.Outcome is { } o)
                {
                    events += o.Appended;
                    if (r.UnknownLine is not { } unknown) return;
                    verbatim++;
                    // Once per shape: the reason without its line number.
                    if (shapes.Add(unknown[(unknown.IndexOf(':') + 1)..].Trim()))
                        problems.Add($"{commit} {r.Path}: kept verbatim, {unknown}");
                }
                else
                {
                    rejected++;
                    problems.Add($"{commit} {r.Path}: {r.Rejection!.Message}");
                }
            }

            foreach (var commit in commits)
            {
                var headers = new Dictionary<string, string> { ["git-commit"] = commit.Id };
                var (inputs, unreadable) = (new List<PageInput>(), new List<string>());
                foreach (var change in commit.Changes.OrderBy(ch => ch.Blob is null))
                {
                    var path = SitePath(change.Path, edition);
                    if (path is null) continue;
                    string? text = null;
                    if (change.Blob is { } blob && !TryDecode(await git.ReadBlobAsync(blob, ct), out text, out var why))
                    {
                        unreadable.Add($"{commit.Id[..12]} {path}: {why}");
                        continue;
                    }
                    var input = new PageInput(path, text, commit.CommittedAt, headers, $"at commit {commit.Id[..12]}");
                    if (ImportPages.Check(input) is { } broken) unreadable.Add($"{commit.Id[..12]} {path}: {broken.Message}");
                    else inputs.Add(input);
                }
                // A commit that would take the transaction over BatchSize pages starts the next one,
                // rather than leaving a few pages for a transaction of their own.
                if (group.Count > 0 && group.Count + inputs.Count > PageImporter.BatchSize) await FlushAsync();
                rejected += unreadable.Count;
                problems.AddRange(unreadable);
                group.AddRange(inputs);
                records.Add(new GitCommitImported(commit.Id, commit.CommittedAt, commit.Subject, inputs.Count));
                lastCommit = commit;
                if (group.Count >= PageImporter.BatchSize) await FlushAsync();
            }
            if (records.Count > 0) await FlushAsync();
            return new Summary(commits.Count, pages, events, verbatim, rejected, commits.LastOrDefault()?.Id ?? after, done.Count > 0, problems);
        }

        /// The site path of a repository file: news/YYYY/MM/D/FILE.md, under /zh for the Chinese edition.
        private static string? SitePath(string repositoryPath, string edition)
        {
            var path = (edition == "zh" ? "/zh/" : "/") + repositoryPath;
            return PagePaths.Split(path) is null ? null : path;
        }

        private static bool TryDecode(byte[] bytes, out string? text, out string? why)
        {
            try
            {
                (text, why) = (PageText.Decode(bytes), null);
                return true;
            }
            catch (ValidationException e)
            {
                (text, why) = (null, e.Errors.First().ErrorMessage);
                return false;
            }
        }

        /// The Chinese edition's pages speak Chinese in their fixed headings; the first page tells
        /// (the log is read only up to the first commit that adds one).
        private static async Task<string> DetectEditionAsync(GitHistory git, Command c, CancellationToken ct)
        {
            await foreach (var commit in git.CommitsAsync(c.Branch, null, c.To, ct))
                if (commit.Changes.FirstOrDefault(ch => ch.Blob is not null) is { Blob: { } blob })
                {
                    var text = System.Text.Encoding.UTF8.GetString(await git.ReadBlobAsync(blob, ct));
                    string[] chinese = ["前一天", "信息来源", "上下文", "有关:"];
                    return chinese.Any(word => text.Contains(word, StringComparison.Ordinal)) ? "zh" : "en";
                }
            return "en";
        }
    }
}
