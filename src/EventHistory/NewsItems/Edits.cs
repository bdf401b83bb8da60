using EventHistory.Infrastructure;
using FluentValidation;

namespace EventHistory.NewsItems;

/// What every edit beyond creation shares.
public static class Edits
{
    public static void EnsurePublished(NewsItem state)
    {
        if (state.Status == ItemStatus.Retracted) throw new EditRejectedException("A retracted item cannot be edited; restore it first.");
    }

    /// An item path as the site writes it: /news/YYYY/MM/D/SLUG.md, or under /zh.
    public static IRuleBuilderOptions<T, string> ItemPath<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(Rules.MaxUrl).PlainText()
            .Matches(@"^(/zh)?/news/\d{4}/\d{2}/\d{1,2}/[^/\s]+\.md$")
            .WithMessage("'{PropertyName}' must be an item path such as /news/2017/07/30/slug.md.");

    public static IRuleBuilderOptions<T, string?> RequiredReason<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(r => !string.IsNullOrWhiteSpace(r)).WithMessage("'{PropertyName}' is required.").Text(Rules.MaxReason);
}
