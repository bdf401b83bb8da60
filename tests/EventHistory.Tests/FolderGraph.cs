using System.Text;
using System.Text.RegularExpressions;

namespace EventHistory.Tests;

/// The dependencies between the feature folders of src/EventHistory, read from the source: a file
/// depends on folder X when it has `using EventHistory.X` or names `EventHistory.X.` or `X.Type`.
/// Source, not the compiled assembly, because constants and nameof leave no trace in IL and a
/// partial type split across folders is one type there. Files at the project's root (namespace
/// EventHistory) are the composition: any folder may be below them, none may use them.
public sealed partial class FolderGraph
{
    public const string Root = "(root)";

    /// folder -> folder it depends on -> where (file:line: what).
    public Dictionary<string, Dictionary<string, List<string>>> Edges { get; } = new(StringComparer.Ordinal);

    /// Files whose namespace is not their folder's: they hide a dependency from anything reading namespaces.
    public List<string> Misplaced { get; } = [];

    public static FolderGraph Of(string projectDir)
    {
        var files = Directory.EnumerateFiles(projectDir, "*.cs", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(projectDir, f).Replace('\\', '/')))
            .Where(f => !f.Relative.StartsWith("obj/", StringComparison.Ordinal) && !f.Relative.StartsWith("bin/", StringComparison.Ordinal))
            .OrderBy(f => f.Relative, StringComparer.Ordinal).ToList();
        var folders = files.Select(f => FolderOf(f.Relative)).Where(f => f != Root).ToHashSet(StringComparer.Ordinal);
        var code = files.ToDictionary(f => f.Relative, f => Code(File.ReadAllText(f.Full)));
        var rootTypes = files.Where(f => FolderOf(f.Relative) == Root)
            .SelectMany(f => TypeDeclaration().Matches(code[f.Relative]).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);

        var graph = new FolderGraph();
        foreach (var folder in folders.Append(Root)) graph.Edges[folder] = new(StringComparer.Ordinal);
        foreach (var (_, relative) in files)
        {
            var from = FolderOf(relative);
            var lines = code[relative].Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                if (NamespaceDeclaration().Match(line) is { Success: true } ns
                    && ns.Groups[1].Value != (from == Root ? "EventHistory" : "EventHistory." + from))
                    graph.Misplaced.Add($"{relative}: namespace {ns.Groups[1].Value}");
                var named = NamespaceReference().Matches(line).Select(m => m.Groups[1].Value)
                    .Concat(QualifiedReference().Matches(line).Select(m => m.Groups[1].Value))
                    .Where(folders.Contains)
                    .Concat(Identifier().Matches(line).Select(m => m.Value).Where(rootTypes.Contains).Select(_ => Root));
                foreach (var to in named.Where(to => to != from).Distinct())
                {
                    var where = graph.Edges[from].TryGetValue(to, out var known) ? known : graph.Edges[from][to] = [];
                    where.Add($"{relative}:{i + 1}: {line.Trim()}");
                }
            }
        }
        return graph;
    }

    /// Each cycle found, as the folders in order with the first repeated at the end.
    public List<List<string>> Cycles()
    {
        var cycles = new List<List<string>>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        void Visit(string folder)
        {
            var at = path.IndexOf(folder);
            if (at >= 0) { cycles.Add([.. path[at..], folder]); return; }
            if (!done.Add(folder)) return;
            path.Add(folder);
            foreach (var next in Edges[folder].Keys.Order(StringComparer.Ordinal)) Visit(next);
            path.RemoveAt(path.Count - 1);
        }
        foreach (var folder in Edges.Keys.Order(StringComparer.Ordinal)) Visit(folder);
        return cycles;
    }

    public string Describe(List<string> cycle)
    {
        var text = new StringBuilder(string.Join(" -> ", cycle));
        for (var i = 0; i + 1 < cycle.Count; i++)
            text.Append($"\n  {cycle[i]} -> {cycle[i + 1]}: {Edges[cycle[i]][cycle[i + 1]][0]}");
        return text.ToString();
    }

    public override string ToString() => string.Join('\n', Edges.OrderBy(e => e.Key, StringComparer.Ordinal)
        .Select(e => $"{e.Key} -> {string.Join(", ", e.Value.Keys.Order(StringComparer.Ordinal))}"));

    private static string FolderOf(string relative) => relative.Contains('/') ? relative[..relative.IndexOf('/')] : Root;

    /// The code with comments and the contents of string and char literals blanked (line breaks
    /// kept), so SQL, resource names and prose cannot look like a reference. Interpolation holes go
    /// with their string: a folder named only inside one would be missed.
    public static string Code(string source)
    {
        var code = new StringBuilder(source.Length);
        var i = 0;
        void Skip(int to)
        {
            for (; i < to && i < source.Length; i++) code.Append(source[i] == '\n' ? '\n' : ' ');
        }
        while (i < source.Length)
        {
            var c = source[i];
            var next = i + 1 < source.Length ? source[i + 1] : '\0';
            if (c == '/' && next == '/') Skip(source.IndexOf('\n', i) is var n and >= 0 ? n : source.Length);
            else if (c == '/' && next == '*') Skip(source.IndexOf("*/", i + 2, StringComparison.Ordinal) + 2);
            else if (c == '\'') Skip(CharEnd(source, i));
            else if (c == '"' || ((c is '$' or '@') && StringStart(source, i) is var s && s > i))
            {
                var start = c == '"' ? i : StringStart(source, i);
                var prefix = source[i..start];
                var quotes = 0;
                while (start + quotes < source.Length && source[start + quotes] == '"') quotes++;
                if (quotes >= 3) Skip(source.IndexOf(new string('"', quotes), start + quotes, StringComparison.Ordinal) + quotes);
                else if (prefix.Contains('@')) Skip(VerbatimEnd(source, start));
                else Skip(RegularEnd(source, start));
            }
            else code.Append(source[i++]);
        }
        return code.ToString();
    }

    private static int StringStart(string s, int i)
    {
        var j = i;
        while (j < s.Length && s[j] is '$' or '@') j++;
        return j < s.Length && s[j] == '"' ? j : i;
    }

    private static int CharEnd(string s, int i)
    {
        var j = i + 1;
        if (j < s.Length && s[j] == '\\') j++;
        var close = s.IndexOf('\'', j + 1);
        return close < 0 ? i + 1 : close + 1;
    }

    private static int RegularEnd(string s, int start)
    {
        for (var j = start + 1; j < s.Length; j++)
        {
            if (s[j] == '\\') j++;
            else if (s[j] is '"' or '\n') return j + 1;
        }
        return s.Length;
    }

    private static int VerbatimEnd(string s, int start)
    {
        for (var j = start + 1; j < s.Length; j++)
        {
            if (s[j] != '"') continue;
            if (j + 1 < s.Length && s[j + 1] == '"') j++;
            else return j + 1;
        }
        return s.Length;
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)")]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"(?<![\w.])(?:global::)?EventHistory\.(\w+)")]
    private static partial Regex NamespaceReference();

    [GeneratedRegex(@"(?<![\w.])(\w+)\.[A-Z]")]
    private static partial Regex QualifiedReference();

    [GeneratedRegex(@"(?<![\w.])[A-Z]\w*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+(?:struct\s+|class\s+)?([A-Z]\w*)")]
    private static partial Regex TypeDeclaration();
}
