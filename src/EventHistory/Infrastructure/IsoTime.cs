using System.Globalization;

namespace EventHistory.Infrastructure;

/// The ISO 8601 times both front doors accept; a time without an offset, or a date alone (its
/// midnight), is UTC.
public static class IsoTime
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd' 'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd' 'HH:mmK", "yyyy-MM-dd",
    ];

    public static bool TryParse(string? text, out DateTimeOffset at)
    {
        at = default;
        return text is not null && DateTimeOffset.TryParseExact(text.Trim(), Formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
    }
}
