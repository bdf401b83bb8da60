namespace EventHistory.Cli;

/// Positional arguments and --name value options (a flag alone gets "true").
public sealed class Arguments
{
    public List<string> Positional { get; } = [];
    public Dictionary<string, string> Options { get; } = new(StringComparer.Ordinal);
    /// Every option in order, for options that may repeat (--source A=U --source B=V).
    public List<(string Name, string Value)> Repeated { get; } = [];

    public static Arguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new Arguments();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Length > 2)
            {
                var name = args[i][2..];
                var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
                parsed.Options[name] = hasValue ? args[++i] : "true";
                parsed.Repeated.Add((name, parsed.Options[name]));
            }
            else parsed.Positional.Add(args[i]);
        }
        return parsed;
    }

    public string Required(int index, string name) =>
        index < Positional.Count ? Positional[index] : throw new UsageException($"missing {name}");

    public string? Option(string name) => Options.GetValueOrDefault(name);

    public long? LongOption(string name) =>
        Option(name) is { } text ? long.TryParse(text, out var n) ? n : throw new UsageException($"--{name} takes a number, not '{text}'") : null;

    public bool Flag(string name) => Options.ContainsKey(name);

    public IEnumerable<string> All(string name) => Repeated.Where(o => o.Name == name).Select(o => o.Value);
}
