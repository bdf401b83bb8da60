using EventHistory.NewsItems;
using EventHistory.Testing;
using MediatR;

namespace EventHistory.Tests;

/// The content size the projection stores with each revision is the one the history page would
/// compute from the state (GetHistoryPage.ContentSize), and a row without one (projected before the
/// column existed) is computed as it is read: the sizes a history shows do not depend on when a row was written.
public sealed class ContentSizeTests : DomainTestBase
{
    [Fact]
    public async Task the_stored_size_is_the_computed_one_and_a_row_without_it_reads_the_same()
    {
        var id = (await MediatorFor("ann").Send(new CreateNewsItem.Command(new DateOnly(2018, 1, 10), "Ferry sinks near the port", "Twelve rescued; “many” missing.", [new Source("Example", "https://example.org/a")]))).ItemId;
        await MediatorFor("bob").Send(new ReviseSummary.Command(id, "Twelve rescued; three missing. Ünïcode counts in bytes.", "figures"));
        await MediatorFor("bob").Send(new ReviseHeadline.Command(id, "Ferry sinks near the old port", "place"));
        var before = await MediatorFor("reader").Send(new GetHistoryPage.Query(id));

        await using (var check = Db.DataSource.CreateCommand(
            $"select count(*) from eh_item_revisions where item_id = @id and content_size is distinct from {GetHistoryPage.ContentSize("state")}"))
        {
            check.Parameters.AddWithValue("id", id);
            Assert.Equal(0L, await check.ExecuteScalarAsync());
        }
        await using (var clear = Db.DataSource.CreateCommand("update eh_item_revisions set content_size = null where item_id = @id"))
        {
            clear.Parameters.AddWithValue("id", id);
            Assert.Equal(3, await clear.ExecuteNonQueryAsync());
        }
        var after = await MediatorFor("reader").Send(new GetHistoryPage.Query(id));
        Assert.Equal(before.Entries.Select(e => (e.Size, e.SizeChange)), after.Entries.Select(e => (e.Size, e.SizeChange)));
        Assert.All(before.Entries, e => Assert.True(e.Size > 0));
    }
}
