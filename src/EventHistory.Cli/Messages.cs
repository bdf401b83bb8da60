using System.CommandLine;
using EventHistory.EventStore;

namespace EventHistory.Cli;

/// The domain's words for what the store reports in its own (streams, versions).
public static class Messages
{
    /// A stale --if-match (or revise's --expected): what the item is at, and how to retry. Without
    /// <paramref name="parse"/> (an import), the command itself is what to run again.
    public static string Conflict(ConcurrencyException e, ParseResult? parse = null)
    {
        var what = $"item {e.StreamId} is at revision {e.ActualVersion}, not {e.ExpectedVersion}: someone changed it meanwhile";
        if (parse is null) return what + "; run the command again";
        var option = parse.CommandResult.Command.Options.Any(o => o.Name == "--expected") && parse.GetResult("--expected") is not null
            ? "--expected" : "--if-match";
        return what + $"; read it again (eventhistory show {e.StreamId}) and retry with {option} {e.ActualVersion}";
    }
}
