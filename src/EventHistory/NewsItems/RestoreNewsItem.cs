using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;

namespace EventHistory.NewsItems;

/// Publishes a retracted item again. A reason is required.
public static class RestoreNewsItem
{
    public sealed record Command(Guid ItemId, string? Reason, long? ExpectedRevision = null) : IRequest<EditResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Reason).RequiredReason();
    }

    public static NewsItemRestored Decide(NewsItem state, Command c, DateTimeOffset now)
    {
        if (state.Status != ItemStatus.Retracted) throw new EditRejectedException("The item is not retracted.");
        return new NewsItemRestored(now, c.Reason);
    }

    public sealed class Handler(ItemEditor editor) : IRequestHandler<Command, EditResult>
    {
        public Task<EditResult> Handle(Command c, CancellationToken ct) =>
            editor.EditAsync(c.ItemId, c.ExpectedRevision, state => Decide(state, c, editor.Now), ct);
    }
}
