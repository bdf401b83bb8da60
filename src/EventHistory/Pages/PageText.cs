using System.Text;
using FluentValidation;
using FluentValidation.Results;

namespace EventHistory.Pages;

/// A page file's bytes as text. Pages are UTF-8; a file that is not is rejected, not repaired:
/// replacing bad bytes would import text the site never had (and export it as if it had).
public static class PageText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Decode(byte[] bytes)
    {
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var offset = e.Index >= 0 ? e.Index : 0;
            var line = 1 + bytes.AsSpan(0, Math.Min(offset, bytes.Length)).Count((byte)'\n');
            throw new ValidationException([new ValidationFailure("Text", $"line {line}: not UTF-8 (byte {offset})") { CustomState = line }]);
        }
    }
}
