namespace EventHistory.Testing;

/// The real pages in tests/corpus, copied into the repository from shared/corpus so a clone stands
/// alone (EVENTHISTORY_CORPUS overrides).
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
                var corpus = System.IO.Path.Combine(dir.FullName, "tests", "corpus");
                if (Directory.Exists(corpus)) return corpus;
                throw new DirectoryNotFoundException($"The corpus is expected at {corpus}.");
            }
        }
        throw new DirectoryNotFoundException("Could not find the repository root above " + AppContext.BaseDirectory);
    }
}
