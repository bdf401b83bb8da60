using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;

namespace EventHistory.NewsItems;

public static class AddSource
{
    public sealed record Command(Guid ItemId, string Name, string Url, string? Reason, long? ExpectedRevision = null) : IRequest<EditResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Name).NotEmpty().MaximumLength(Rules.MaxName).PlainText();
            RuleFor(c => c.Url).HttpUrl();
            RuleFor(c => c.Reason).Text(Rules.MaxReason);
        }
    }

    public static SourceAdded Decide(NewsItem state, Command c, DateTimeOffset now)
    {
        Edits.EnsurePublished(state);
        if (state.Sources.Any(s => s.Url == c.Url)) throw new EditRejectedException("The item already cites that URL.");
        if (state.Sources.Count >= 50) throw new EditRejectedException("An item cites at most 50 sources.");
        return new SourceAdded(new Source(c.Name, c.Url), now, c.Reason);
    }

    public sealed class Handler(ItemEditor editor) : IRequestHandler<Command, EditResult>
    {
        public Task<EditResult> Handle(Command c, CancellationToken ct) =>
            editor.EditAsync(c.ItemId, c.ExpectedRevision, state => Decide(state, c, editor.Now), ct);
    }
}
