using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;
using Npgsql;

namespace EventHistory.NewsItems;

/// Links a related item by its path, with the context the page shows beside it. Without a
/// headline, the linked item's current headline is taken from the store.
public static class LinkRelatedItem
{
    public sealed record Command(
        Guid ItemId, string Path, string? Context, string? Headline, string? Reason, long? ExpectedRevision = null) : IRequest<EditResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Path).ItemPath();
            RuleFor(c => c.Context).Text(Rules.MaxName);
            RuleFor(c => c.Headline).Text(Rules.MaxHeadline);
            RuleFor(c => c.Reason).Text(Rules.MaxReason);
        }
    }

    public static RelatedItemLinked Decide(NewsItem state, Command c, string headline, DateTimeOffset now)
    {
        Edits.EnsurePublished(state);
        if (c.Path == state.Path) throw new EditRejectedException("An item cannot be related to itself.");
        var item = new RelatedItem(headline, c.Path, c.Context ?? "");
        if (state.Related.Contains(item)) throw new EditRejectedException("That related item is already linked so.");
        return new RelatedItemLinked(item, now, c.Reason);
    }

    public sealed class Handler(ItemEditor editor, NpgsqlDataSource db) : IRequestHandler<Command, EditResult>
    {
        public async Task<EditResult> Handle(Command c, CancellationToken ct)
        {
            var headline = string.IsNullOrWhiteSpace(c.Headline) ? await CurrentHeadlineAsync(c.Path, ct) : c.Headline;
            return await editor.EditAsync(c.ItemId, c.ExpectedRevision, state => Decide(state, c, headline, editor.Now), ct);
        }

        private async Task<string> CurrentHeadlineAsync(string path, CancellationToken ct)
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            var id = await NewsItemRows.FindByPathAsync(conn, path, ct)
                ?? throw new EditRejectedException($"No item in the store has the path {path}; give the related item's headline.");
            return (await NewsItemRows.LoadCurrentAsync(conn, null, id, ct))!.Headline;
        }
    }
}
