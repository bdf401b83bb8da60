using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;

namespace EventHistory.NewsItems;

/// Sets the topic, or clears it with null.
public static class ChangeTopic
{
    public sealed record Command(Guid ItemId, string? Topic, string? Reason, long? ExpectedRevision = null) : IRequest<EditResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Topic).Text(Rules.MaxName);
            RuleFor(c => c.Reason).Text(Rules.MaxReason);
        }
    }

    public static TopicChanged Decide(NewsItem state, Command c, DateTimeOffset now)
    {
        Edits.EnsurePublished(state);
        var topic = string.IsNullOrWhiteSpace(c.Topic) ? null : c.Topic;
        if (state.Topic == topic) throw new EditRejectedException("The topic is already that.");
        return new TopicChanged(topic, now, c.Reason);
    }

    public sealed class Handler(ItemEditor editor) : IRequestHandler<Command, EditResult>
    {
        public Task<EditResult> Handle(Command c, CancellationToken ct) =>
            editor.EditAsync(c.ItemId, c.ExpectedRevision, state => Decide(state, c, editor.Now), ct);
    }
}
