using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Unicode;

namespace EventHistory.Articles;

/// What a captured article text is made of: UTF-8 bytes, an optional ` date YYYY-MM-DD ` header
/// (the form a news archive keeps: the date, then the body on the same line), then the body.
public static partial class ArticleText
{
    public const int MaxBytes = 2 * 1024 * 1024;

    /// The header is `date` followed by a token starting with a digit; a text whose first word is
    /// "date" followed by anything else ("date night ...") simply has no header.
    [GeneratedRegex(@"\A\uFEFF?[ \t]*date[ \t]+(\d\S*)(?=\s|\z)", RegexOptions.CultureInvariant)]
    private static partial Regex DateHeader();

    /// Why these bytes are not a text we keep, or null: binary data (a NUL byte or invalid UTF-8) is refused.
    public static string? Problem(byte[] bytes)
    {
        if (bytes.Length == 0) return "must not be empty";
        if (bytes.Length > MaxBytes) return $"is {bytes.Length} bytes; a source text may have at most {MaxBytes} bytes (2 MB)";
        var nul = Array.IndexOf(bytes, (byte)0);
        if (nul >= 0) return $"is binary data: a NUL byte at byte {nul} (line {LineAt(bytes, nul)})";
        var chars = new char[bytes.Length];
        if (Utf8.ToUtf16(bytes, chars, out var read, out _, replaceInvalidSequences: false) != OperationStatus.Done)
            return $"is not valid UTF-8 at byte {read} (line {LineAt(bytes, read)})";
        var text = Encoding.UTF8.GetString(bytes);
        if (text.All(c => char.IsWhiteSpace(c) || c == '\uFEFF')) return "must not be blank";
        if (DateHeader().Match(text) is { Success: true } m && ParseDate(m.Groups[1].Value) is null)
            return $"line 1: '{m.Value.Trim()}' is not a date line: the date must be YYYY-MM-DD";
        return null;
    }

    /// Strict decoding: run only on bytes that passed <see cref="Problem"/>. Decoding valid UTF-8
    /// (a byte order mark included) and encoding it again gives the same bytes.
    public static string Decode(byte[] bytes) => new UTF8Encoding(false, true).GetString(bytes);

    public static byte[] Encode(string text) => Encoding.UTF8.GetBytes(text);

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encode(text)));

    /// The article's own date from its date line; null when the text has no date line.
    public static DateOnly? ArticleDate(string text) =>
        DateHeader().Match(text) is { Success: true } m ? ParseDate(m.Groups[1].Value) : null;

    /// NewsDiffs' "boring" change: the same words once the date line is set aside, so only
    /// whitespace (spaces, line breaks, \r\n against \n) or the date differ.
    public static bool IsTrivialChange(string before, string after) =>
        Words(WithoutDateLine(before)).SequenceEqual(Words(WithoutDateLine(after)), StringComparer.Ordinal);

    public static string WithoutDateLine(string text) =>
        DateHeader().Match(text) is { Success: true } m ? text[m.Length..] : text.TrimStart('\uFEFF');

    private static string[] Words(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static DateOnly? ParseDate(string token) =>
        DateOnly.TryParseExact(token, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static int LineAt(byte[] bytes, int offset) => 1 + bytes.AsSpan(0, offset).Count((byte)'\n');
}
