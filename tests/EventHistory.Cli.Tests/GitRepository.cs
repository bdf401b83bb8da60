using System.Diagnostics;

namespace EventHistory.Cli.Tests;

/// A git repository the tests write or read, through the git command line.
public sealed class GitRepository(string root)
{
    public string Root => root;

    public string Run(params string[] args) => Run(new Dictionary<string, string>(), args);

    public string Run(Dictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment) info.Environment[k] = v;
        using var git = Process.Start(info)!;
        var error = git.StandardError.ReadToEndAsync();
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)}: {error.Result}");
        return output;
    }

    /// The commits of the checked-out branch, oldest first, with their commit times.
    public List<(string Id, DateTimeOffset Time)> Commits() =>
        [.. Run("log", "--reverse", "--first-parent", "--format=%H %cI").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')).Select(p => (p[0], DateTimeOffset.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))];

    /// The files under news/ at <paramref name="commit"/>, by path, with their text.
    public SortedDictionary<string, string> NewsTreeAt(string commit)
    {
        Run("checkout", "-q", "--detach", commit);
        return FilesUnder(root, "news");
    }

    /// Every file under root/folder, by its path relative to root ('/' separated).
    public static SortedDictionary<string, string> FilesUnder(string root, string folder)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var start = Path.Combine(root, folder);
        if (!Directory.Exists(start)) return files;
        foreach (var file in Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories))
            files[Path.GetRelativePath(root, file).Replace('\\', '/')] = File.ReadAllText(file);
        return files;
    }
}
