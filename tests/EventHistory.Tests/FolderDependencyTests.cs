namespace EventHistory.Tests;

/// The domain's folders have no cycles: each can be read, changed and tested knowing only the
/// folders below it. The item (NewsItems) is at the bottom of the features; Pages, Articles,
/// Projections and the rest build on it.
public sealed class FolderDependencyTests
{
    private static readonly FolderGraph Graph = FolderGraph.Of(DomainProject());

    [Fact]
    public void the_domain_folders_depend_on_each_other_without_a_cycle()
    {
        var cycles = Graph.Cycles();
        Assert.True(cycles.Count == 0,
            $"The folders of src/EventHistory form {cycles.Count} cycle(s):\n{string.Join("\n", cycles.Select(Graph.Describe))}\n\nGraph:\n{Graph}");
    }

    [Fact]
    public void every_file_is_in_the_namespace_of_its_folder() =>
        Assert.True(Graph.Misplaced.Count == 0, string.Join("\n", Graph.Misplaced));

    [Fact]
    public void the_item_depends_only_on_the_folders_below_every_feature()
    {
        Assert.Empty(Graph.Edges["Infrastructure"]);
        Assert.Empty(Graph.Edges["Diffs"]);
        Assert.Subset(new HashSet<string> { "Infrastructure", "Diffs" }, Graph.Edges["NewsItems"].Keys.ToHashSet());
    }

    [Fact]
    public void the_graph_sees_references_in_code_and_not_in_strings_or_comments()
    {
        var code = FolderGraph.Code("var x = Pages.ItemPage; // Articles.X\nvar s = \"Search.Y\" + @\"Audit.\"\"Z\" + '\"' + \"\"\"\n Access.Q \"\"\"; /* Diffs.W */");
        Assert.Contains("Pages.ItemPage", code);
        foreach (var hidden in new[] { "Articles", "Search", "Audit", "Access", "Diffs" }) Assert.DoesNotContain(hidden, code);
    }

    private static string DomainProject()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EventHistory.sln"))) return Path.Combine(dir.FullName, "src", "EventHistory");
        throw new DirectoryNotFoundException("Could not find the repository root above " + AppContext.BaseDirectory);
    }
}
