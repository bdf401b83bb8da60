using System.Globalization;
using EventHistory.EventStore;
using EventHistory.Infrastructure;
using FluentValidation;
using FluentValidation.Results;

namespace EventHistory.Api;

/// Parses query parameters and headers, or answers 400 naming the parameter.
public static class QueryParameters
{
    /// ISO 8601; a time without an offset, or a date alone (its midnight), is taken as UTC.
    public static DateTimeOffset? Time(string? text, string name)
    {
        if (text is null) return null;
        if (IsoTime.TryParse(text, out var at)) return at;
        throw Invalid(name, $"'{name}' must be an ISO 8601 time such as 2017-08-10T12:00:00Z, not '{text}'.");
    }

    /// RFC 1123 as HTTP dates are written: "Thu, 10 Aug 2017 00:00:00 GMT".
    public static DateTimeOffset? HttpDate(string? text, string name)
    {
        if (text is null) return null;
        if (DateTimeOffset.TryParseExact(text.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
        throw Invalid(name, $"'{name}' must be an RFC 1123 date such as Thu, 10 Aug 2017 00:00:00 GMT, not '{text}'.");
    }

    public static string HttpDate(DateTimeOffset at) => at.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);

    public static GlobalPosition Cursor(string? text, string name) =>
        string.IsNullOrEmpty(text) ? GlobalPosition.Start
        : GlobalPosition.TryParse(text, out var position) ? position
        : throw Invalid(name, $"'{name}' must be a cursor such as 1234.56, as given in 'next'.");

    public static long Revision(string? text, string name) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n : throw Invalid(name, $"'{name}' must be a revision number (1 or more).");

    /// A revision or version number taken from the route: 0 and below name nothing, and say so (not a 404).
    public static void RequirePositive(long number, string name)
    {
        if (number < 1) throw Invalid(name, $"'{name}' must be 1 or more, not {number}: revisions and versions count from 1.");
    }

    public static DateOnly Date(string text, string name) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date : throw Invalid(name, $"'{name}' must be a date as YYYY-MM-DD, not '{text}'.");

    public static ValidationException Invalid(string name, string message) => new([new ValidationFailure(name, message)]);
}
