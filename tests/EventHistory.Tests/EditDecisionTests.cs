using EventHistory.Diffs;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;

namespace EventHistory.Tests;

/// The decisions of the edits beyond revise, without a database.
public sealed class EditDecisionTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.NewGuid();

    private static NewsItem Given(params INewsItemEvent[] more) => NewsItem.Fold(
        new INewsItemEvent[] { new NewsItemCreated(Id, new DateOnly(2024, 5, 1), "Headline one ", "Summary one.",
            [new Source("A", "https://a.example/")], null, "Topic", [], "headline-one", "en", Now.AddDays(-1)) }.Concat(more));

    [Fact]
    public void revising_the_summary_of_a_retracted_item_is_rejected()
    {
        var retracted = Given(new NewsItemRetracted(Now, "wrong"));
        Assert.Throws<EditRejectedException>(() => ReviseSummary.Decide(retracted, new(Id, "New.", null), Now));
    }

    [Fact]
    public void adding_a_source_already_cited_is_rejected_and_removing_an_uncited_one_too()
    {
        Assert.Throws<EditRejectedException>(() => AddSource.Decide(Given(), new(Id, "A again", "https://a.example/", null), Now));
        Assert.Throws<EditRejectedException>(() => RemoveSource.Decide(Given(), new(Id, "https://b.example/", null), Now));
    }

    [Fact]
    public void reverting_restores_the_content_of_the_target_revision_as_a_new_revision()
    {
        var first = Given();
        var current = Given(new HeadlineRevised("Headline two ", "headline-two", Now), new SummaryRevised("Summary two.", Now), new TopicChanged(null, Now));
        var reverted = RevertToRevision.Decide(current, first, new(Id, 1, "vandalism"), Now);
        var after = current.Apply(reverted);

        Assert.Equal((5L, "Headline one ", "headline-one", "Summary one.", "Topic"), (after.Revision, after.Headline, after.Slug, after.Summary, after.Topic));
        Assert.Equal(1, reverted.ToRevision);
    }

    [Fact]
    public void reverting_to_what_the_item_already_says_is_rejected()
    {
        var current = Given(new TopicChanged("Other", Now), new TopicChanged("Topic", Now));
        Assert.Throws<EditRejectedException>(() => RevertToRevision.Decide(current, Given(), new(Id, 1, null), Now));
    }

    [Fact]
    public void linking_an_item_to_itself_is_rejected()
    {
        var item = Given();
        Assert.Throws<EditRejectedException>(() => LinkRelatedItem.Decide(item, new(Id, item.Path, "", null, null), "x", Now));
    }

    [Fact]
    public void retracting_needs_a_reason_and_restoring_needs_a_retracted_item()
    {
        Assert.False(new RetractNewsItem.Validator().Validate(new RetractNewsItem.Command(Id, "  ")).IsValid);
        Assert.False(new RestoreNewsItem.Validator().Validate(new RestoreNewsItem.Command(Id, null)).IsValid);
        Assert.Throws<EditRejectedException>(() => RestoreNewsItem.Decide(Given(), new(Id, "why"), Now));
        Assert.Equal(ItemStatus.Retracted, Given().Apply(RetractNewsItem.Decide(Given(), new(Id, "false"), Now)).Status);
    }

    [Fact]
    public void a_diff_names_the_changed_fields_and_the_words_inserted_and_deleted()
    {
        var a = Given();
        var b = Given(new SummaryRevised("Summary two.", Now), new SourceAdded(new Source("B", "https://b.example/"), Now));
        var diff = GetDiff.Compare(a, b);

        Assert.Equal(["summary", "sources"], diff.Changed);
        Assert.Equal([new DiffSegment(DiffKind.Equal, "Summary "), new DiffSegment(DiffKind.Delete, "one"), new DiffSegment(DiffKind.Insert, "two"), new DiffSegment(DiffKind.Equal, ".")],
            diff.Summary!.Segments);
        Assert.Equal("https://b.example/", diff.Sources!.Added.Single().Url);
        Assert.Empty(diff.Sources.Removed);
        Assert.Null(diff.Headline);
    }
}
