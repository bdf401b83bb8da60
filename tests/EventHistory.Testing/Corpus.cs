namespace EventHistory.Testing;

/// The real pages in ../shared/corpus beside the repository (EVENTHISTORY_CORPUS overrides).
public static class Corpus
{
    public static string Root { get; } = Find();

    public static string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("EVENTHISTORY_CORPUS") is { Length: > 0 } configured) return configured;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "EventHistory.sln")))
            {
                var corpus = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "corpus"));
                if (Directory.Exists(corpus)) return corpus;
                throw new DirectoryNotFoundException($"The corpus is expected at {corpus} (shared/ beside the repository).");
            }
        }
        throw new DirectoryNotFoundException("Could not find the repository root above " + AppContext.BaseDirectory);
    }
}
