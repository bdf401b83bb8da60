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
        rule.Must(text => text is not string s || !s.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
            .WithMessage("'{PropertyName}' must not contain control characters.");

    public static IRuleBuilderOptions<T, string> HttpUrl<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(MaxUrl)
            .Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            .WithMessage("'{PropertyName}' must be an absolute http or https URL.");

    public static IRuleBuilderOptions<T, DateOnly> NewsDate<T>(this IRuleBuilder<T, DateOnly> rule) =>
        rule.Must(d => d >= EarliestDate && d <= DateOnly.FromDateTime(DateTime.UtcNow.AddYears(1)))
            .WithMessage($"'{{PropertyName}}' must be between {EarliestDate:yyyy-MM-dd} and a year from today.");
}
