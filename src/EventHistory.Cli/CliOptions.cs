using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using EventHistory.Infrastructure;

namespace EventHistory.Cli;

/// The options and arguments several commands share, typed, with the messages a bad value gets.
/// Each call makes a new symbol: a command tree is built per run, and symbols are not shared.
public static class CliOptions
{
    public const string ColorName = "--color";

    /// Recursive: `--color` is taken by every command (tables, diffs).
    public static Option<string> Color() => new Option<string>(ColorName)
    {
        Description = "colour: always, never, or auto (on a terminal, unless NO_COLOR is set)",
        DefaultValueFactory = _ => "auto",
        Recursive = true,
    }.AcceptOnlyFromAmong("auto", "always", "never");

    public static Argument<string> Item() => new("ITEM") { Description = "an item's id, or any path it ever had (news/YYYY/MM/D/SLUG.md)" };

    public static Option<string?> Text(string name, string description, string helpName = "TEXT") =>
        new(name) { Description = description, HelpName = helpName };

    /// An ISO 8601 time (IsoTime: a time without an offset, or a date alone, is UTC).
    public static Option<DateTimeOffset?> Time(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "TIME",
        CustomParser = r => IsoTime.TryParse(r.Tokens[0].Value, out var at) ? at
            : Error<DateTimeOffset?>(r, $"{name} takes an ISO 8601 time such as 2017-08-10T12:00:00Z or 2017-08-10, not '{r.Tokens[0].Value}'"),
    };

    /// A whole number from <paramref name="min"/>: a revision, a version, a limit.
    public static Option<long?> Number(string name, string description, long min = 1, string helpName = "N") => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = r => ParseNumber(r, name, min),
    };

    public static Argument<long> NumberArgument(string name, string description, long min = 1) => new(name)
    {
        Description = description,
        CustomParser = r => ParseNumber(r, name, min) ?? 0,
    };

    public static Option<string?> Edition(string description) =>
        new Option<string?>("--edition") { Description = description, HelpName = "en|zh" }.AcceptOnlyFromAmong("en", "zh");

    private static long? ParseNumber(ArgumentResult r, string name, long min) =>
        long.TryParse(r.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min ? n
            : Error<long?>(r, $"{name} takes a whole number from {min}, not '{r.Tokens[0].Value}'");

    private static T Error<T>(ArgumentResult r, string message)
    {
        r.AddError(message);
        return default!;
    }
}
