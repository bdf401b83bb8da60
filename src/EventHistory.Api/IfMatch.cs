using System.Globalization;

namespace EventHistory.Api;

/// If-Match carries the revision an editor read (an item's ETag is its revision, "N"), so an edit made
/// on a stale read is refused (409) instead of overwriting what it never saw (RFC 9110 13.1.1).
public static class IfMatch
{
    /// Edits of an item must say which revision they were made on: without If-Match a client would
    /// silently overwrite edits it never saw (the lost update), so that is a 428 (RFC 6585).
    /// `If-Match: *` is the explicit way to edit whatever the current revision is.
    public static long? Required(HttpContext http) =>
        Parse(http) is { } given ? given.Revision
        : throw new PreconditionException(428, "If-Match required",
            "An edit must say which revision it was made on: send If-Match with the item's ETag as you read it " +
            "(such as If-Match: \"3\"), or If-Match: * to edit whatever the current revision is.");

    /// For writes that add rather than overwrite (a source's captured text): If-Match is checked when given.
    public static long? Optional(HttpContext http) => Parse(http)?.Revision;

    /// What the header asks for: a revision, or any (null) for "*".
    private readonly record struct Expected(long? Revision);

    /// null when the header is absent.
    private static Expected? Parse(HttpContext http)
    {
        var value = http.Request.Headers.IfMatch.ToString().Trim();
        if (value.Length == 0) return null;
        if (value == "*") return new Expected(null);
        if (value.StartsWith("W/", StringComparison.Ordinal))
            throw new PreconditionException(412, "Precondition failed",
                $"If-Match compares ETags strongly (RFC 9110 13.1.1), so the weak {value} never matches. Send the ETag as given: {value[2..]}.");
        if (value.Length > 2 && value[0] == '"' && value[^1] == '"'
            && long.TryParse(value[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var revision) && revision > 0)
            return new Expected(revision);
        throw QueryParameters.Invalid("If-Match", $"If-Match must be a revision ETag such as \"3\" (quotes included), or *, not {value}.");
    }
}

/// A request whose precondition header is missing (428) or can never hold (412).
public sealed class PreconditionException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}
