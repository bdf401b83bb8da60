using EventHistory.Diffs;
using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;
using Npgsql;

namespace EventHistory.NewsItems;

/// What changed between two revisions: the fields that differ, and word-level insertions and
/// deletions inside the headline and the summary.
public static class GetDiff
{
    public sealed record Query(Guid ItemId, long From, long To) : IRequest<ItemDiff>;

    public sealed record TextChange(string From, string To, IReadOnlyList<DiffSegment> Segments);
    public sealed record ValueChange(string? From, string? To);
    public sealed record ListChange<T>(IReadOnlyList<T> Added, IReadOnlyList<T> Removed);

    public sealed record ItemDiff(
        Guid ItemId, long From, long To, IReadOnlyList<string> Changed,
        TextChange? Headline, TextChange? Summary, ListChange<Source>? Sources, ListChange<RelatedItem>? Related,
        ValueChange? Topic, ValueChange? Status, ValueChange? Path);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.From).GreaterThan(0);
            RuleFor(q => q.To).GreaterThan(0);
        }
    }

    public static ItemDiff Compare(NewsItem a, NewsItem b)
    {
        var headline = Text(a.Headline, b.Headline);
        var summary = Text(a.Summary, b.Summary);
        var sources = List(a.Sources, b.Sources);
        var related = List(a.Related, b.Related);
        ValueChange? topic = a.Topic == b.Topic ? null : new(a.Topic, b.Topic);
        ValueChange? status = a.Status == b.Status ? null : new(a.Status.ToString(), b.Status.ToString());
        ValueChange? path = a.Path == b.Path ? null : new(a.Path, b.Path);
        var changed = new (string Name, object? Change)[]
            { ("headline", headline), ("summary", summary), ("sources", sources), ("related", related), ("topic", topic), ("status", status), ("path", path) }
            .Where(f => f.Change is not null).Select(f => f.Name).ToList();
        return new ItemDiff(a.Id, a.Revision, b.Revision, changed, headline, summary, sources, related, topic, status, path);
    }

    private static TextChange? Text(string a, string b) => a == b ? null : new TextChange(a, b, WordDiff.Compare(a, b));

    private static ListChange<T>? List<T>(IReadOnlyList<T> a, IReadOnlyList<T> b)
    {
        var added = b.Where(x => !a.Contains(x)).ToList();
        var removed = a.Where(x => !b.Contains(x)).ToList();
        return added.Count == 0 && removed.Count == 0 ? null : new ListChange<T>(added, removed);
    }

    public sealed class Handler(ReadSource reads) : IRequestHandler<Query, ItemDiff>
    {
        public async Task<ItemDiff> Handle(Query q, CancellationToken ct)
        {
            await using var conn = await reads.OpenAsync(ct);
            var found = await RevisionRows.LoadRevisionsAsync(conn, q.ItemId, [q.From, q.To], ct);
            foreach (var revision in new[] { q.From, q.To })
                if (!found.ContainsKey(revision)) throw new NotFoundException($"Revision {revision} of news item {q.ItemId}");
            return Compare(found[q.From], found[q.To]);
        }
    }
}
