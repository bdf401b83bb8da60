using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;

namespace EventHistory.NewsItems;

/// The first version of a news item.
public static class CreateNewsItem
{
    public sealed record Command(
        DateOnly Date, string Headline, string? Summary, IReadOnlyList<Source>? Sources,
        string? Topic = null, string Edition = "en") : IRequest<EditResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Date).NewsDate();
            RuleFor(c => c.Headline).Headline();
            RuleFor(c => c.Summary).Summary();
            RuleFor(c => c.Topic).Topic();
            RuleFor(c => c.Edition).Edition();
            RuleFor(c => c.Sources).Must(s => s is null || s.Count <= Rules.MaxSources).WithMessage($"At most {Rules.MaxSources} sources.");
            RuleForEach(c => c.Sources).SetValidator(new SourceValidator());
        }
    }

    public static NewsItemCreated Decide(Guid id, Command c, DateTimeOffset now) => new(
        id, c.Date, c.Headline, c.Summary ?? "", c.Sources ?? [], null, c.Topic, [],
        Slugs.For(c.Edition, c.Headline), c.Edition, now);

    public sealed class Handler(ItemEditor editor) : IRequestHandler<Command, EditResult>
    {
        public Task<EditResult> Handle(Command c, CancellationToken ct)
        {
            var id = Guid.CreateVersion7();
            return editor.CreateAsync(id, Decide(id, c, editor.Now), ct);
        }
    }
}
