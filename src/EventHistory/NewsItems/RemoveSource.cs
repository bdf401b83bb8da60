using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;

namespace EventHistory.NewsItems;

public static class RemoveSource
{
    public sealed record Command(Guid ItemId, string Url, string? Reason, long? ExpectedRevision = null) : IRequest<EditResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Url).NotEmpty().MaximumLength(Rules.MaxUrl).PlainText();
            RuleFor(c => c.Reason).Text(Rules.MaxReason);
        }
    }

    public static SourceRemoved Decide(NewsItem state, Command c, DateTimeOffset now)
    {
        Edits.EnsurePublished(state);
        if (state.Sources.All(s => s.Url != c.Url)) throw new EditRejectedException("The item does not cite that URL.");
        return new SourceRemoved(c.Url, now, c.Reason);
    }

    public sealed class Handler(ItemEditor editor) : IRequestHandler<Command, EditResult>
    {
        public Task<EditResult> Handle(Command c, CancellationToken ct) =>
            editor.EditAsync(c.ItemId, c.ExpectedRevision, state => Decide(state, c, editor.Now), ct);
    }
}
