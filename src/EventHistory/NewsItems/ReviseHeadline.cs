using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;

namespace EventHistory.NewsItems;

/// An update of the headline; the item gets the new headline's slug, and its old path keeps resolving.
public static class ReviseHeadline
{
    public sealed record Command(Guid ItemId, string Headline, string? Reason, long? ExpectedRevision = null) : IRequest<EditResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Headline).Headline();
            RuleFor(c => c.Reason).Reason();
        }
    }

    public static HeadlineRevised Decide(NewsItem state, Command c, DateTimeOffset now)
    {
        if (state.Status == ItemStatus.Retracted) throw new EditRejectedException("A retracted item cannot be revised; restore it first.");
        if (state.Headline == c.Headline) throw new EditRejectedException("The headline is already that.");
        return new HeadlineRevised(c.Headline, Slugs.For(state.Edition, c.Headline), now, c.Reason);
    }

    public sealed class Handler(ItemEditor editor) : IRequestHandler<Command, EditResult>
    {
        public Task<EditResult> Handle(Command c, CancellationToken ct) =>
            editor.EditAsync(c.ItemId, c.ExpectedRevision, state => Decide(state, c, editor.Now), ct);
    }
}
