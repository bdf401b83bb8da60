using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;

namespace EventHistory.NewsItems;

public static class UnlinkRelatedItem
{
    public sealed record Command(Guid ItemId, string Path, string? Reason, long? ExpectedRevision = null) : IRequest<EditResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Path).NotEmpty().MaximumLength(Rules.MaxUrl).PlainText();
            RuleFor(c => c.Reason).Text(Rules.MaxReason);
        }
    }

    public static RelatedItemUnlinked Decide(NewsItem state, Command c, DateTimeOffset now)
    {
        Edits.EnsurePublished(state);
        if (state.Related.All(r => r.Path != c.Path)) throw new EditRejectedException("No related item has that path.");
        return new RelatedItemUnlinked(c.Path, now, c.Reason);
    }

    public sealed class Handler(ItemEditor editor) : IRequestHandler<Command, EditResult>
    {
        public Task<EditResult> Handle(Command c, CancellationToken ct) =>
            editor.EditAsync(c.ItemId, c.ExpectedRevision, state => Decide(state, c, editor.Now), ct);
    }
}
