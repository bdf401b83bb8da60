using EventHistory.Infrastructure;
using FluentValidation;

namespace EventHistory.NewsItems;

/// One source: a printable name and an http(s) URL. Use as RuleForEach(c => c.Sources).SetValidator(new SourceValidator()),
/// next to RuleFor(c => c.Sources).Must(s => s is null || s.Count <= Rules.MaxSources).
public sealed class SourceValidator : AbstractValidator<Source>
{
    public SourceValidator()
    {
        RuleFor(s => s.Name).NotEmpty().MaximumLength(Rules.MaxName).PlainText();
        RuleFor(s => s.Url).HttpUrl();
    }
}
