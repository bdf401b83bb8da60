using EventHistory.Infrastructure;
using EventHistory.NewsItems;

namespace EventHistory.Tests;

/// Decisions, given events / when / then, without a database.
public sealed class ReviseHeadlineTests
{
    private static readonly DateTimeOffset Now = new(2017, 8, 27, 3, 48, 44, TimeSpan.Zero);

    private static NewsItem Given(params INewsItemEvent[] events) => NewsItem.Fold(events);

    private static NewsItemCreated Created(string headline = "Russian President Vladimir Putin expels 755 United States diplomats. ") =>
        new(Guid.NewGuid(), new DateOnly(2017, 7, 30), headline, "", [new Source("Al Jazeera", "http://www.aljazeera.com/")],
            null, null, [], Slugs.English(headline), "en", Now.AddDays(-25));

    [Fact]
    public void revising_gives_the_new_headline_and_its_slug()
    {
        var state = Given(Created());
        var e = ReviseHeadline.Decide(state, new(state.Id, "Putin expels 755 U.S. diplomats", "shorter", 1), Now);

        Assert.Equal("Putin expels 755 U.S. diplomats", e.Headline);
        Assert.Equal("putin-expels-755-u-s-diplomats", e.Slug);
        Assert.Equal(Now, e.EditedAt);
        var after = state.Apply(e);
        Assert.Equal(2, after.Revision);
        Assert.Equal("/news/2017/07/30/putin-expels-755-u-s-diplomats.md", after.Path);
    }

    [Fact]
    public void revising_to_the_same_headline_is_rejected()
    {
        var created = Created("Same ");
        Assert.Throws<EditRejectedException>(() => ReviseHeadline.Decide(Given(created), new(created.ItemId, "Same ", null), Now));
    }

    [Fact]
    public void a_retracted_item_cannot_be_revised()
    {
        var created = Created();
        var state = Given(created, new NewsItemRetracted(Now, "wrong story"));
        Assert.Equal(ItemStatus.Retracted, state.Status);
        Assert.Throws<EditRejectedException>(() => ReviseHeadline.Decide(state, new(created.ItemId, "Other", null), Now));
    }
}

public sealed class NewsItemFoldTests
{
    private static readonly DateTimeOffset T = new(2018, 2, 6, 13, 49, 31, TimeSpan.Zero);

    [Fact]
    public void folding_counts_revisions_and_keeps_the_last_edit_time()
    {
        var id = Guid.NewGuid();
        var state = NewsItem.Fold([
            new NewsItemCreated(id, new DateOnly(2017, 10, 1), "A", "s", [], null, null, [], "a", "en", T),
            new SourceAdded(new Source("NYT", "https://www.nytimes.com/x"), T.AddHours(1)),
            new RelatedItemLinked(new RelatedItem("B ", "/news/2017/10/2/b.md", "Context: x"), T.AddHours(2)),
            new TopicChanged("2017 Las Vegas shooting", T.AddHours(3)),
            new SourceRemoved("https://www.nytimes.com/x", T.AddHours(4)),
        ]);

        Assert.Equal(5, state.Revision);
        Assert.Equal(T.AddHours(4), state.EditedAt);
        Assert.Empty(state.Sources);
        Assert.Equal("2017 Las Vegas shooting", state.Topic);
        Assert.Equal("B ", Assert.Single(state.Related).Headline);
    }

    [Fact]
    public void reverting_restores_the_content_of_an_earlier_revision_as_a_new_revision()
    {
        var id = Guid.NewGuid();
        var v1 = NewsItem.Fold([new NewsItemCreated(id, new DateOnly(2017, 10, 1), "First", "one", [], null, null, [], "first", "en", T)]);
        var v2 = v1.Apply(new HeadlineRevised("Second", "second", T.AddHours(1)));
        var v3 = v2.Apply(new NewsItemReverted(1, v1.Headline, v1.Slug, v1.Summary, v1.Sources, v1.CoverImage, v1.Topic, v1.Related, T.AddHours(2), "undo"));

        Assert.Equal(3, v3.Revision);
        Assert.Equal(("First", "first", "one"), (v3.Headline, v3.Slug, v3.Summary));
    }
}
