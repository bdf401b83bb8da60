using EventHistory.NewsItems;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Tests;

/// Marten is registered the way Marten is (AddMarten): the container's store is the one the event
/// store appends through, and a scope's sessions are lightweight sessions of that store.
public sealed class MartenRegistrationTests : DomainTestBase
{
    [Fact]
    public async Task the_containers_marten_store_is_the_one_edits_append_through_and_its_sessions_read_them()
    {
        var marten = Services.GetRequiredService<IDocumentStore>();
        Assert.Same(marten, Services.GetRequiredService<EventStore.EventStore>().Marten);

        var id = (await MediatorFor("ann").Send(new CreateNewsItem.Command(
            new DateOnly(2018, 1, 10), "Ferry sinks near the port", "Twelve rescued.", [new Source("Example", "https://example.org/a")]))).ItemId;
        await MediatorFor("bob").Send(new ReviseHeadline.Command(id, "Ferry sinks near the harbour", "more precise", 1));

        using var scope = Services.CreateScope();
        var query = scope.ServiceProvider.GetRequiredService<IQuerySession>();
        var events = await query.Events.FetchStreamAsync(id);
        Assert.Equal(["news_item_created", "headline_revised"], events.Select(e => e.EventTypeName));
        Assert.Equal(["ann", "bob"], events.Select(e => e.UserName));
        Assert.Contains("Lightweight", scope.ServiceProvider.GetRequiredService<IDocumentSession>().GetType().Name);
    }
}
