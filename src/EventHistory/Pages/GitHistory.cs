using System.Diagnostics;
using System.Text;

namespace EventHistory.Pages;

/// A commit of a site repository: its id, commit time, subject, and the page files it changed
/// (Blob null: deleted), in the repository's own paths (news/YYYY/MM/D/FILE.md).
public sealed record GitCommit(string Id, DateTimeOffset CommittedAt, string Subject, IReadOnlyList<GitFileChange> Changes);

public sealed record GitFileChange(string Path, string? Blob);

/// Reads a git repository with the git command line in bulk: one `git log --raw` stream for the
/// commits and what they changed, one `git cat-file --batch` process for the file contents.
public sealed class GitHistory(string repository) : IAsyncDisposable
{
    private Process? _catFile;

    /// The commits of <paramref name="branch"/> (HEAD if null) oldest first, following first
    /// parents (a merge is the change it brought to the branch), after <paramref name="after"/>
    /// (exclusive) and up to <paramref name="to"/> (inclusive).
    public async IAsyncEnumerable<GitCommit> CommitsAsync(
        string? branch, string? after, string? to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var range = to ?? branch ?? "HEAD";
        if (after is not null) range = $"{after}..{range}";
        using var log = Start("log", "--reverse", "--first-parent", "--diff-merges=first-parent", "--raw", "--no-renames", "--no-abbrev",
            "-z", "--format=%x01%H %ct %s", range, "--", "news");
        try
        {
            var reader = new NulReader(log.StandardOutput.BaseStream);
            string? id = null, subject = null;
            var time = DateTimeOffset.MinValue;
            var changes = new List<GitFileChange>();
            while (await reader.NextAsync(ct) is { } token)
            {
                var header = token.IndexOf('\x01');
                if (header >= 0)
                {
                    if (id is not null) yield return new GitCommit(id, time, subject!, changes);
                    // "\x01<id> <unix time> <subject>", then maybe "\n" and the first raw entry.
                    var rest = token[(header + 1)..];
                    var firstRaw = rest.IndexOf("\n:", StringComparison.Ordinal);
                    var line = firstRaw >= 0 ? rest[..firstRaw] : rest.TrimEnd('\n');
                    var parts = line.Split(' ', 3);
                    (id, time, subject, changes) = (parts[0], DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[1])), parts.Length > 2 ? parts[2] : "", []);
                    if (firstRaw < 0) continue;
                    token = rest[(firstRaw + 1)..];
                }
                token = token.TrimStart('\n');
                if (!token.StartsWith(':')) continue;
                // ":100644 100644 <old blob> <new blob> <status>", then the path as the next token.
                var fields = token[1..].Split(' ');
                var path = await reader.NextAsync(ct) ?? throw new InvalidDataException("git log ended inside a change entry");
                var status = fields[4];
                if (status.StartsWith('D')) changes.Add(new GitFileChange(path, null));
                else if (fields[1] != "160000") changes.Add(new GitFileChange(path, fields[3]));
            }
            if (id is not null) yield return new GitCommit(id, time, subject!, changes);
            await log.WaitForExitAsync(ct);
            if (log.ExitCode != 0) throw new InvalidOperationException($"git log failed: {(await log.StandardError.ReadToEndAsync(ct)).Trim()}");
        }
        finally
        {
            // A reader that stopped early (the first commit was enough) leaves no git behind.
            if (!log.HasExited) log.Kill();
        }
    }

    /// The repository's first commit on <paramref name="branch"/>: its identity, whatever the clone's path.
    public async Task<string> RootCommitAsync(string? branch, CancellationToken ct)
    {
        using var git = Start("rev-list", "--max-parents=0", "--first-parent", branch ?? "HEAD");
        var output = await git.StandardOutput.ReadToEndAsync(ct);
        await git.WaitForExitAsync(ct);
        if (git.ExitCode != 0) throw new InvalidOperationException($"not a git repository with commits: {repository} ({(await git.StandardError.ReadToEndAsync(ct)).Trim()})");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
    }

    /// The bytes of a blob, through the one cat-file process.
    public async Task<byte[]> ReadBlobAsync(string blob, CancellationToken ct)
    {
        _catFile ??= Start("cat-file", "--batch");
        await _catFile.StandardInput.WriteAsync(blob + "\n");
        await _catFile.StandardInput.FlushAsync(ct);
        var output = _catFile.StandardOutput.BaseStream;
        var header = await ReadLineAsync(output, ct);
        var parts = header.Split(' ');
        if (parts.Length != 3 || parts[1] != "blob") throw new InvalidDataException($"git cat-file: {header}");
        var bytes = new byte[int.Parse(parts[2])];
        await output.ReadExactlyAsync(bytes, ct);
        await output.ReadExactlyAsync(new byte[1], ct);
        return bytes;
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken ct)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            await stream.ReadExactlyAsync(one, ct);
            if (one[0] == '\n') return Encoding.UTF8.GetString([.. line]);
            line.Add(one[0]);
        }
    }

    private Process Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add("-C");
        info.ArgumentList.Add(repository);
        // Paths as they are (no octal quoting of non-ASCII names).
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("core.quotePath=false");
        foreach (var a in arguments) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start git");
    }

    public async ValueTask DisposeAsync()
    {
        if (_catFile is null) return;
        _catFile.StandardInput.Close();
        await _catFile.WaitForExitAsync();
        _catFile.Dispose();
    }

    /// NUL-terminated UTF-8 tokens of a stream.
    private sealed class NulReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[1 << 16];
        private int _at, _end;
        private readonly List<byte> _token = [];

        public async Task<string?> NextAsync(CancellationToken ct)
        {
            _token.Clear();
            while (true)
            {
                if (_at == _end)
                {
                    _end = await stream.ReadAsync(_buffer, ct);
                    _at = 0;
                    if (_end == 0) return _token.Count > 0 ? Encoding.UTF8.GetString([.. _token]) : null;
                }
                var nul = Array.IndexOf(_buffer, (byte)0, _at, _end - _at);
                if (nul < 0)
                {
                    _token.AddRange(_buffer.AsSpan(_at, _end - _at));
                    _at = _end;
                    continue;
                }
                _token.AddRange(_buffer.AsSpan(_at, nul - _at));
                _at = nul + 1;
                return Encoding.UTF8.GetString([.. _token]);
            }
        }
    }
}
