using System.Globalization;
using System.Text;

namespace EventHistory.NewsItems;

/// Slugs for new headlines. Imported items keep the slugs of their files: many real 2017 slugs
/// were made from mis-decoded UTF-8, so recomputing them would break old links.
public static class Slugs
{
    public const int MaxHeadlineBytes = 140;

    public static string For(string edition, string headline) => edition == "zh" ? Chinese(headline) : English(headline);

    /// The Chinese edition keeps letters of any script and their case, drops a dot between digits
    /// (7.8 became 78), and turns every other run into one dash.
    public static string Chinese(string headline)
    {
        var cut = CutUtf8(headline.Trim(), MaxHeadlineBytes * 2);
        var slug = new StringBuilder(cut.Length);
        var dash = false;
        for (var i = 0; i < cut.Length; i++)
        {
            var c = cut[i];
            if (c == '.' && i > 0 && i + 1 < cut.Length && char.IsDigit(cut[i - 1]) && char.IsDigit(cut[i + 1])) continue;
            if (char.IsLetterOrDigit(c)) { slug.Append(c); dash = false; }
            else if (!dash) { slug.Append('-'); dash = true; }
        }
        return slug.ToString().Trim('-');
    }

    /// The English generator: cut at 140 UTF-8 bytes, transliterate to ASCII, lowercase, every run
    /// outside [a-z0-9] becomes one dash, dashes trimmed.
    public static string English(string headline)
    {
        var cut = CutUtf8(headline, MaxHeadlineBytes);
        var ascii = new StringBuilder(cut.Length);
        foreach (var c in cut.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (c < 128) ascii.Append(char.ToLowerInvariant(c));
            else ascii.Append(' ');
        }
        var slug = new StringBuilder(ascii.Length);
        var dash = false;
        foreach (var c in ascii.ToString())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') { slug.Append(c); dash = false; }
            else if (!dash) { slug.Append('-'); dash = true; }
        }
        return slug.ToString().Trim('-');
    }

    /// The longest prefix that fits in <paramref name="maxBytes"/> UTF-8 bytes without splitting a character.
    public static string CutUtf8(string text, int maxBytes)
    {
        var bytes = 0;
        var i = 0;
        while (i < text.Length)
        {
            var width = char.IsSurrogatePair(text, i) ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(text.AsSpan(i, width));
            if (bytes + size > maxBytes) break;
            bytes += size;
            i += width;
        }
        return text[..i];
    }
}
