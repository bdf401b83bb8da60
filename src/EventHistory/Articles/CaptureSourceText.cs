using EventHistory.EventStore;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using FluentValidation;
using MediatR;
using Npgsql;

namespace EventHistory.Articles;

/// Keeps the text of one of the item's source articles as an event of the item. The same text as
/// the source's latest version appends nothing; a changed text appends the next version.
public static class CaptureSourceText
{
    /// Source is the source's 1-based position or its URL; Text the article's UTF-8 bytes as given.
    public sealed record Command(
        Guid ItemId, string Source, byte[] Text, DateTimeOffset? CapturedAt = null, string? Reason = null,
        long? ExpectedRevision = null) : IRequest<Captured>;

    /// Created is false when the text was the source's latest version already.
    public sealed record Captured(SourceTextVersion Text, bool Created);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.Source).NotEmpty().MaximumLength(Rules.MaxUrl);
            RuleFor(c => c.Text).Custom((bytes, context) =>
            {
                if (ArticleText.Problem(bytes ?? []) is { } problem) context.AddFailure("Text", $"The text {problem}.");
            });
            RuleFor(c => c.CapturedAt)
                .Must(at => at is null || (at >= new DateTimeOffset(Rules.EarliestDate, TimeOnly.MinValue, TimeSpan.Zero) && at <= clock.GetUtcNow().AddMinutes(5)))
                .OverridePropertyName("At")
                .WithMessage($"The capture time (at) must be between {Rules.EarliestDate:yyyy-MM-dd} and now.");
            RuleFor(c => c.Reason).Text(Rules.MaxReason);
        }
    }

    /// The next version of the source's text, or null when the text is the latest version already.
    public static SourceTextCaptured? Decide(Source source, SourceTextVersion? latest, string? latestText, string text, DateTimeOffset now, string? reason)
    {
        var sha = ArticleText.Sha256(text);
        if (latest is not null && latest.Sha256 == sha && latestText == text) return null;
        var trivial = latestText is not null && ArticleText.IsTrivialChange(latestText, text);
        return new SourceTextCaptured(source.Url, source.Name, (latest?.Version ?? 0) + 1, text, ArticleText.ArticleDate(text), trivial, sha, now, reason);
    }

    public sealed class Handler(ItemEditor editor, NpgsqlDataSource db) : IRequestHandler<Command, Captured>
    {
        private const int Attempts = 3;

        public async Task<Captured> Handle(Command c, CancellationToken ct)
        {
            var text = ArticleText.Decode(c.Text);
            for (var attempt = 1; ; attempt++)
            {
                NewsItem item;
                Source source;
                (SourceTextVersion Version, byte[] Body)? latest;
                await using (var conn = await db.OpenConnectionAsync(ct))
                {
                    item = await NewsItemRows.LoadCurrentAsync(conn, null, c.ItemId, ct) ?? throw new NotFoundException($"News item {c.ItemId}");
                    source = SourceReference.Resolve(item, c.Source);
                    latest = await SourceTextRows.LoadAsync(conn, c.ItemId, source.Url, null, ct);
                }
                var latestText = latest is { } l ? ArticleText.Decode(l.Body) : null;
                var captured = Decide(source, latest?.Version, latestText, text, c.CapturedAt ?? editor.Now, c.Reason);
                if (captured is null) return new Captured(latest!.Value.Version, false);
                try
                {
                    // The latest version was read at the item's revision: appending at that revision
                    // guarantees no other capture came between, so versions never fork.
                    var result = await editor.EditAsync(c.ItemId, c.ExpectedRevision ?? item.Revision, _ => captured, ct);
                    await using var conn = await db.OpenConnectionAsync(ct);
                    var version = await SourceTextRows.AtRevisionAsync(conn, c.ItemId, result.Revision, ct)
                        ?? throw new EditRejectedException("That Idempotency-Key was used for another kind of edit.");
                    return new Captured(version, true);
                }
                catch (ConcurrencyException) when (c.ExpectedRevision is null && attempt < Attempts)
                {
                }
            }
        }
    }
}
