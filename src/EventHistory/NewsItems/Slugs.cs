using System.Globalization;
using System.Text;

namespace EventHistory.NewsItems;

/// Slugs for new headlines. Imported items keep the slugs of their files: many real 2017 slugs
/// were made from mis-decoded UTF-8, so recomputing them would break old links.
public static class Slugs
{
    public const int MaxHeadlineBytes = 140;

    public static string For(string edition, string headline) => edition == "zh" ? Chinese(headline) : English(headline);

    public const int MaxChineseHeadlineChars = 60;

    /// The Chinese edition (checked on the corpus: 4,607 of 4,609 linked headlines): the stored headline
    /// cut at 60 characters, every '.' and ',' dropped (7.8 became 78, 114,772,812 became 114772812),
    /// letters of any script and their case kept, every other run one dash, dashes trimmed.
    public static string Chinese(string headline)
    {
        var slug = new StringBuilder(headline.Length);
        var dash = false;
        var count = 0;
        foreach (var rune in headline.EnumerateRunes())
        {
            if (count++ == MaxChineseHeadlineChars) break;
            if (rune.Value is '.' or ',') continue;
            if (Rune.IsLetter(rune) || Rune.IsNumber(rune)) { slug.Append(rune.ToString()); dash = false; }
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
            else if (Transliterations.TryGetValue(c, out var latin)) ascii.Append(latin);
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

    /// Letters that do not decompose into an ASCII letter and a mark.
    private static readonly Dictionary<char, string> Transliterations = new()
    {
        ['ß'] = "ss", ['æ'] = "ae", ['Æ'] = "ae", ['œ'] = "oe", ['Œ'] = "oe", ['ø'] = "o", ['Ø'] = "o",
        ['ł'] = "l", ['Ł'] = "l", ['đ'] = "d", ['Đ'] = "d", ['ð'] = "d", ['Ð'] = "d", ['þ'] = "th", ['Þ'] = "th", ['ı'] = "i",
    };

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
