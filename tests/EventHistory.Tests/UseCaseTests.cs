using EventHistory.EventStore;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using EventHistory.Testing;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Tests;

/// The slice through MediatR, the validation behavior and the store, against real PostgreSQL.
public sealed class CreateAndReviseTests : DomainTestBase
{

    private static CreateNewsItem.Command Example => new(new DateOnly(2017, 7, 30),
        "Russian President Vladimir Putin expels 755 United States diplomats in response to new sanctions imposed by the United States. ",
        "President Vladimir Putin orders reduction in staff.", [new Source("Al Jazeera", "http://www.aljazeera.com/news/x.html")]);

    [Fact]
    public async Task creating_then_revising_twice_keeps_every_revision_readable()
    {
        var created = await MediatorFor("ann").Send(Example);
        await MediatorFor("bob").Send(new ReviseHeadline.Command(created.ItemId,
            "Russia-United States relations: Russian President Vladimir Putin expels 755 U.S. diplomats. ", "topic prefix", 1));
        await MediatorFor("cy").Send(new ReviseHeadline.Command(created.ItemId, "Putin expels 755 U.S. diplomats. ", "shorter", 2));

        var current = await MediatorFor("x").Send(new GetNewsItem.Query(created.ItemId));
        var first = await MediatorFor("x").Send(new GetRevision.Query(created.ItemId, 1));
        var history = await MediatorFor("x").Send(new GetHistory.Query(created.ItemId));

        Assert.Equal(3, current.Revision);
        Assert.Equal(Example.Headline, first.Headline);
        Assert.Equal(["First version", "Update", "Update"], history.Select(h => h.Kind));
        Assert.Equal([false, false, true], history.Select(h => h.Current));
        Assert.Equal(["ann", "bob", "cy"], history.Select(h => h.Editor));
        Assert.Equal([null, "topic prefix", "shorter"], history.Select(h => h.Reason));
        Assert.Equal(created.ItemId, await MediatorFor("x").Send(new FindNewsItemByPath.Query(first.Path)));
        Assert.Equal(created.ItemId, await MediatorFor("x").Send(new FindNewsItemByPath.Query(current.Path)));
    }

    [Fact]
    public async Task a_blank_headline_fails_validation_and_writes_nothing()
    {
        var e = await Assert.ThrowsAsync<ValidationException>(() => MediatorFor("ann").Send(Example with { Headline = "  " }));
        Assert.Contains(e.Errors, f => f.PropertyName == "Headline");
        Assert.Equal(0L, await Db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task a_source_url_that_is_not_http_is_rejected_with_its_field()
    {
        var e = await Assert.ThrowsAsync<ValidationException>(() =>
            MediatorFor("ann").Send(Example with { Sources = [new Source("x", "javascript:alert(1)")] }));
        Assert.Contains(e.Errors, f => f.PropertyName == "Sources[0].Url");
    }

    [Fact]
    public async Task a_stale_expected_revision_conflicts_and_appends_nothing()
    {
        var created = await MediatorFor("ann").Send(Example);
        await MediatorFor("bob").Send(new ReviseHeadline.Command(created.ItemId, "Second ", null, 1));

        await Assert.ThrowsAsync<ConcurrencyException>(() =>
            MediatorFor("cy").Send(new ReviseHeadline.Command(created.ItemId, "Third ", null, 1)));
        Assert.Equal(2L, await Db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task a_retried_command_with_the_same_id_appends_nothing()
    {
        var created = await MediatorFor("ann").Send(Example);
        var first = await MediatorFor("bob", "key-1").Send(new ReviseHeadline.Command(created.ItemId, "Second ", null, 1));
        var retry = await MediatorFor("bob", "key-1").Send(new ReviseHeadline.Command(created.ItemId, "Second ", null, 1));

        Assert.Equal((2L, false), (first.Revision, first.Duplicate));
        Assert.Equal((2L, true), (retry.Revision, retry.Duplicate));
        Assert.Equal(2L, await Db.ScalarAsync("select count(*) from mt_events"));
    }
}
