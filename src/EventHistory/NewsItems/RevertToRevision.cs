using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;
using Npgsql;

namespace EventHistory.NewsItems;

/// A new revision whose content is revision N's; the revisions in between stay in the history.
public static class RevertToRevision
{
    public sealed record Command(Guid ItemId, long Revision, string? Reason, long? ExpectedRevision = null) : IRequest<EditResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Revision).GreaterThan(0);
            RuleFor(c => c.Reason).Text(Rules.MaxReason);
        }
    }

    public static NewsItemReverted Decide(NewsItem state, NewsItem target, Command c, DateTimeOffset now)
    {
        Edits.EnsurePublished(state);
        if (target.Revision >= state.Revision) throw new EditRejectedException($"Revision {target.Revision} is not an earlier revision.");
        var reverted = new NewsItemReverted(target.Revision, target.Headline, target.Slug, target.Summary, target.Sources,
            target.CoverImage, target.Topic, target.Related, now, c.Reason);
        if (SameContent(state, state.Apply(reverted))) throw new EditRejectedException($"The item already reads as revision {target.Revision} did.");
        return reverted;
    }

    private static bool SameContent(NewsItem a, NewsItem b) =>
        a.Headline == b.Headline && a.Slug == b.Slug && a.Summary == b.Summary && a.CoverImage == b.CoverImage && a.Topic == b.Topic
        && a.Sources.SequenceEqual(b.Sources) && a.Related.SequenceEqual(b.Related);

    public sealed class Handler(ItemEditor editor, NpgsqlDataSource db) : IRequestHandler<Command, EditResult>
    {
        public async Task<EditResult> Handle(Command c, CancellationToken ct)
        {
            NewsItem target;
            await using (var conn = await db.OpenConnectionAsync(ct))
                target = await NewsItemRows.LoadRevisionAsync(conn, c.ItemId, c.Revision, ct)
                    ?? throw new NotFoundException($"Revision {c.Revision} of news item {c.ItemId}");
            return await editor.EditAsync(c.ItemId, c.ExpectedRevision, state => Decide(state, target, c, editor.Now), ct);
        }
    }
}
