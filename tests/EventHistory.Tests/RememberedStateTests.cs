using EventHistory.EventStore;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Tests;

/// An edit decides on the item's state this process remembers from its last edit, without reading
/// it again. Another process editing meanwhile must not be overwritten: the second service here
/// is another process's (its own remembered states, the same database).
public sealed class RememberedStateTests : DomainTestBase
{
    private IMediator OtherProcess(string editor)
    {
        var other = new ServiceCollection().AddEventHistory(Db.DataSource).BuildServiceProvider();
        var scope = other.CreateScope();
        scope.ServiceProvider.GetRequiredService<EditorContext>().Editor = editor;
        return scope.ServiceProvider.GetRequiredService<IMediator>();
    }

    [Fact]
    public async Task an_edit_after_another_processs_edit_builds_on_it_or_is_refused_if_it_named_the_old_revision()
    {
        var here = MediatorFor("ann");
        var item = (await here.Send(new CreateNewsItem.Command(new DateOnly(2017, 7, 30), "Putin expels 755 United States diplomats", "First summary.", null))).ItemId;
        await here.Send(new ReviseHeadline.Command(item, "Putin expels 755 U.S. diplomats", "house style"));

        // Revision 3 comes from another process: this one still remembers revision 2.
        await OtherProcess("bob").Send(new ReviseSummary.Command(item, "The summary as Bob wrote it.", "clearer", 2));

        // Named revision 2: refused, though this process's remembered state is at revision 2.
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() =>
            MediatorFor("ann").Send(new ReviseHeadline.Command(item, "Putin expels U.S. diplomats", "shorter", 2)));
        Assert.Equal(3, conflict.ActualVersion);

        // No revision named: applies to the latest, keeping Bob's summary.
        var done = await MediatorFor("ann").Send(new ReviseHeadline.Command(item, "Putin expels U.S. diplomats", "shorter"));
        Assert.Equal(4, done.Revision);
        var current = await here.Send(new GetNewsItem.Query(item));
        Assert.Equal(("Putin expels U.S. diplomats", "The summary as Bob wrote it.", 4L), (current.Headline, current.Summary, current.Revision));

        // And what this process remembers is what the store holds.
        var next = await MediatorFor("ann").Send(new ReviseSummary.Command(item, "Ann's summary.", "update", 4));
        Assert.Equal(5, next.Revision);
        Assert.Equal(("Putin expels U.S. diplomats", "Ann's summary."), ((await here.Send(new GetNewsItem.Query(item))).Headline, (await here.Send(new GetNewsItem.Query(item))).Summary));
    }

    [Fact]
    public async Task an_edit_refused_on_a_remembered_state_is_decided_again_on_the_item_as_it_is()
    {
        var here = MediatorFor("ann");
        var item = (await here.Send(new CreateNewsItem.Command(new DateOnly(2017, 7, 30), "Putin expels 755 United States diplomats", "First summary.", null))).ItemId;
        await here.Send(new ReviseHeadline.Command(item, "Putin expels 755 U.S. diplomats", "house style"));
        await OtherProcess("bob").Send(new ReviseHeadline.Command(item, "Russia expels 755 U.S. diplomats", "who acted", 2));

        // This process remembers the headline it wrote: deciding on that alone would refuse the
        // edit as "the same headline". On the item as it is, it is a change.
        var done = await MediatorFor("ann").Send(new ReviseHeadline.Command(item, "Putin expels 755 U.S. diplomats", "back to Putin"));
        Assert.Equal(4, done.Revision);
        Assert.Equal("Putin expels 755 U.S. diplomats", (await here.Send(new GetNewsItem.Query(item))).Headline);

        // A real refusal still is one.
        await Assert.ThrowsAsync<EditRejectedException>(() =>
            MediatorFor("ann").Send(new ReviseHeadline.Command(item, "Putin expels 755 U.S. diplomats", "again")));
    }
}
