using EventHistory.Diffs;
using EventHistory.NewsItems;
using FluentValidation;
using MediatR;

namespace EventHistory.Articles;

/// Word-level diff between two captured versions of one source's text (either order).
public static class DiffSourceTexts
{
    public sealed record Query(Guid ItemId, string Source, int From, int To) : IRequest<Result>;

    /// Trivial: the two versions differ only in whitespace or the date line.
    public sealed record Result(
        Guid ItemId, Source Source, SourceTextVersion From, SourceTextVersion To, bool Changed, bool Trivial,
        int WordsDeleted, int WordsInserted, IReadOnlyList<DiffSegment> Segments);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.From).GreaterThan(0);
            RuleFor(q => q.To).GreaterThan(0);
        }
    }

    public static Result Compare(Guid itemId, Source source, GetSourceText.Text from, GetSourceText.Text to)
    {
        var before = ArticleText.Decode(from.Body);
        var after = ArticleText.Decode(to.Body);
        var segments = ArticleDiff.Compare(before, after);
        return new Result(itemId, source, from.Version, to.Version, WordDiff.HasChanges(segments),
            before != after && ArticleText.IsTrivialChange(before, after),
            Words(segments, DiffKind.Delete), Words(segments, DiffKind.Insert), segments);
    }

    private static int Words(IEnumerable<DiffSegment> segments, DiffKind kind) =>
        segments.Where(s => s.Kind == kind).Sum(s => WordDiff.Tokenize(s.Text).Count(t => !t.All(char.IsWhiteSpace)));

    public sealed class Handler(IMediator mediator) : IRequestHandler<Query, Result>
    {
        public async Task<Result> Handle(Query q, CancellationToken ct)
        {
            var from = await mediator.Send(new GetSourceText.Query(q.ItemId, q.Source, q.From), ct);
            var to = await mediator.Send(new GetSourceText.Query(q.ItemId, q.Source, q.To), ct);
            return Compare(q.ItemId, new Source(from.Version.SourceName, from.Version.SourceUrl), from, to);
        }
    }
}
