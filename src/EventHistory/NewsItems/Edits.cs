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

    public static IRuleBuilderOptions<T, string?> RequiredReason<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(r => !string.IsNullOrWhiteSpace(r)).WithMessage("'{PropertyName}' is required.").Text(Rules.MaxReason);
}
