using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;

namespace EventHistory.NewsItems;

/// Withdraws an item from publication; its history stays. A reason is required.
public static class RetractNewsItem
{
    public sealed record Command(Guid ItemId, string? Reason, long? ExpectedRevision = null) : IRequest<EditResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Reason).RequiredReason();
    }

    public static NewsItemRetracted Decide(NewsItem state, Command c, DateTimeOffset now)
    {
        if (state.Status == ItemStatus.Retracted) throw new EditRejectedException("The item is already retracted.");
        return new NewsItemRetracted(now, c.Reason);
    }

    public sealed class Handler(ItemEditor editor) : IRequestHandler<Command, EditResult>
    {
        public Task<EditResult> Handle(Command c, CancellationToken ct) =>
            editor.EditAsync(c.ItemId, c.ExpectedRevision, state => Decide(state, c, editor.Now), ct);
    }
}
