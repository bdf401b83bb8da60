using FluentValidation;

namespace EventHistory.Infrastructure;

/// Input rules shared by every command, so a headline is held to the same limits wherever it enters.
public static class Rules
{
    public const int MaxHeadline = 1_000;
    public const int MaxSummary = 10_000;
    public const int MaxReason = 1_000;
    public const int MaxName = 200;
    public const int MaxUrl = 2_000;
    public const int MaxSources = 50;
    public const int MaxPath = 1_000;
    public static readonly DateOnly EarliestDate = new(1900, 1, 1);

    public static IRuleBuilderOptions<T, string> Headline<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("'{PropertyName}' must not be empty.")
            .Must(h => h.Trim().Length > 0).WithMessage("'{PropertyName}' must not be blank.")
            .MaximumLength(MaxHeadline)
            .PlainText();

    public static IRuleBuilderOptions<T, string?> Text<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.MaximumLength(max).PlainText();

    /// Rejects control characters (tabs and newlines only where a multi-line text allows them).
    public static IRuleBuilderOptions<T, TText> PlainText<T, TText>(this IRuleBuilder<T, TText> rule, bool multiline = false) =>
        rule.Must(text => text is not string s || IsPlainText(s, multiline))
            .WithMessage("'{PropertyName}' must not contain control characters.");

    /// No control characters and no half surrogate pairs (which no encoder can write back out).
    public static bool IsPlainText(string text, bool multiline = false)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')) return false;
            if (char.IsHighSurrogate(c) && (i + 1 >= text.Length || !char.IsLowSurrogate(text[++i]))) return false;
            if (char.IsLowSurrogate(c)) return false;
        }
        return true;
    }

    public static IRuleBuilderOptions<T, string?> Summary<T>(this IRuleBuilder<T, string?> rule) => rule.Text(MaxSummary);
    public static IRuleBuilderOptions<T, string?> Reason<T>(this IRuleBuilder<T, string?> rule) => rule.Text(MaxReason);
    public static IRuleBuilderOptions<T, string?> Topic<T>(this IRuleBuilder<T, string?> rule) => rule.Text(MaxName);

    public static IRuleBuilderOptions<T, string> Edition<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(e => e is "en" or "zh").WithMessage("'{PropertyName}' must be en or zh.");

    /// An item path as the site writes it: /news/YYYY/MM/D/SLUG.md, or under /zh.
    public static IRuleBuilderOptions<T, string> ItemPath<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(MaxPath).PlainText()
            .Must(p => !p.Contains("..", StringComparison.Ordinal) && ItemPathPattern.IsMatch(p))
            .WithMessage("'{PropertyName}' must be an item path such as /news/2017/07/30/slug.md.");

    private static readonly System.Text.RegularExpressions.Regex ItemPathPattern =
        new(@"^(/zh)?/news/\d{4}/\d{2}/\d{1,2}/[^/\s]+\.md$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public static IRuleBuilderOptions<T, long> RevisionNumber<T>(this IRuleBuilder<T, long> rule) =>
        rule.GreaterThan(0).WithMessage("'{PropertyName}' must be a revision number, 1 or more.");

    public static IRuleBuilderOptions<T, string> HttpUrl<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(MaxUrl)
            .Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0 && IsPlainText(u))
            .WithMessage("'{PropertyName}' must be an absolute http or https URL.");

    public static IRuleBuilderOptions<T, DateOnly> NewsDate<T>(this IRuleBuilder<T, DateOnly> rule) =>
        rule.Must(d => d >= EarliestDate && d <= DateOnly.FromDateTime(DateTime.UtcNow.AddYears(1)))
            .WithMessage($"'{{PropertyName}}' must be between {EarliestDate:yyyy-MM-dd} and a year from today.");
}
