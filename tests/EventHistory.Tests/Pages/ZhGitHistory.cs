using System.Diagnostics;
using System.Text;
using EventHistory.Pages;
using EventHistory.Testing;

namespace EventHistory.Tests.Pages;

/// One page version of the zh git history: the commit that wrote it, its store path (/zh/news/...) and text.
public sealed record HistoryPage(string Commit, DateTimeOffset CommittedAt, string Path, string Text);

/// Reads every page version of the zh history bundle in two git streams (one log, one cat-file
/// batch), not a process per file: 40k files would otherwise take minutes.
public sealed class ZhGitHistory : IDisposable
{
    public const string Bundle = "zh-git/first-600-commits.bundle";
    private readonly string _dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "zhgit-" + Guid.NewGuid().ToString("N"));

    public ZhGitHistory()
    {
        Git(null, "clone", "-q", "--no-checkout", Corpus.PathOf(Bundle), _dir);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// Every added or modified news/ page, oldest commit first.
    public List<HistoryPage> Pages()
    {
        var log = Git(_dir, "log", "--reverse", "--raw", "--no-renames", "--no-abbrev", "-z", "--format=%x01%H %cI", "HEAD");
        var found = new List<(string Commit, DateTimeOffset At, string Path, string Blob)>();
        var fields = Encoding.UTF8.GetString(log).Split('\0');
        string commit = "";
        var at = DateTimeOffset.MinValue;
        for (var i = 0; i < fields.Length; i++)
        {
            // A commit's header is a field of its own; each raw entry is one field and its path the next.
            var field = fields[i].TrimStart('\n');
            if (field.StartsWith('\x01'))
            {
                var parts = field[1..].Split(' ');
                (commit, at) = (parts[0], DateTimeOffset.Parse(parts[1]));
                continue;
            }
            if (!field.StartsWith(':')) continue;
            var raw = field.Split(' ');
            var path = fields[++i];
            if (raw[4][0] == 'D' || PagePaths.FromRelative("zh/" + path) is not { } page) continue;
            found.Add((commit, at, page, raw[3]));
        }
        var texts = Blobs(found.Select(f => f.Blob).Distinct().ToList());
        return found.Select(f => new HistoryPage(f.Commit, f.At, f.Path, texts[f.Blob])).ToList();
    }

    private Dictionary<string, string> Blobs(List<string> ids)
    {
        var start = new ProcessStartInfo("git", ["-C", _dir, "cat-file", "--batch"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var git = Process.Start(start)!;
        var writer = Task.Run(() =>
        {
            foreach (var id in ids) git.StandardInput.Write(id + "\n");
            git.StandardInput.Close();
        });
        var output = new BufferedStream(git.StandardOutput.BaseStream, 1 << 16);
        var texts = new Dictionary<string, string>(ids.Count);
        foreach (var id in ids)
        {
            var header = ReadLine(output).Split(' ');
            if (header.Length != 3 || header[0] != id) throw new InvalidOperationException($"git cat-file: unexpected '{string.Join(' ', header)}'");
            var bytes = new byte[int.Parse(header[2])];
            output.ReadExactly(bytes);
            output.ReadByte();
            texts[id] = PageText.Decode(bytes);
        }
        writer.Wait();
        git.WaitForExit();
        return texts;
    }

    private static string ReadLine(Stream stream)
    {
        var sb = new StringBuilder();
        for (var b = stream.ReadByte(); b is not ('\n' or -1); b = stream.ReadByte()) sb.Append((char)b);
        return sb.ToString();
    }

    private static byte[] Git(string? dir, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (dir is not null) { start.ArgumentList.Add("-C"); start.ArgumentList.Add(dir); }
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var git = Process.Start(start)!;
        var output = new MemoryStream();
        var errors = git.StandardError.ReadToEndAsync();
        git.StandardOutput.BaseStream.CopyTo(output);
        git.WaitForExit();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)}: {errors.Result}");
        return output.ToArray();
    }
}
