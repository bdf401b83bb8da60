using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;

namespace EventHistory.NewsItems;

public static class ReviseSummary
{
    public sealed record Command(Guid ItemId, string Summary, string? Reason, long? ExpectedRevision = null) : IRequest<EditResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Summary).NotNull().Text(Rules.MaxSummary);
            RuleFor(c => c.Reason).Text(Rules.MaxReason);
        }
    }

    public static SummaryRevised Decide(NewsItem state, Command c, DateTimeOffset now)
    {
        Edits.EnsurePublished(state);
        if (state.Summary == c.Summary) throw new EditRejectedException("The summary is already that.");
        return new SummaryRevised(c.Summary, now, c.Reason);
    }

    public sealed class Handler(ItemEditor editor) : IRequestHandler<Command, EditResult>
    {
        public Task<EditResult> Handle(Command c, CancellationToken ct) =>
            editor.EditAsync(c.ItemId, c.ExpectedRevision, state => Decide(state, c, editor.Now), ct);
    }
}
