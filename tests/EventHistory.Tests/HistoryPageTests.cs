using EventHistory.NewsItems;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Tests;

/// The browser's history page reads one page of a 10,000-revision history, newest first, by keyset
/// on the revisions' primary key: the plan reads a page of rows, never the whole history.
public sealed class HistoryPageTests(LongHistoryReadTests.LongItem item) : IClassFixture<LongHistoryReadTests.LongItem>
{
    private IMediator Mediator => item.Services.CreateScope().ServiceProvider.GetRequiredService<IMediator>();

    [Fact]
    public async Task pages_go_newest_first_from_the_last_revision_to_the_first_with_size_changes()
    {
        var first = await Mediator.Send(new GetHistoryPage.Query(item.Id, null, 50));
        Assert.Equal(10_000, first.Revisions);
        Assert.Equal(Enumerable.Range(9_951, 50).Reverse().Select(r => (long)r), first.Entries.Select(e => e.Revision));
        Assert.Equal(9_951, first.Older);
        Assert.True(first.Entries[0].Current);
        Assert.Single(first.Entries, e => e.Current);
        // "Summary 9999" to "Summary 10000": one byte more.
        Assert.Equal(1, first.Entries[0].SizeChange);
        Assert.Equal(0, first.Entries[1].SizeChange);

        var next = await Mediator.Send(new GetHistoryPage.Query(item.Id, first.Older, 50));
        Assert.Equal(9_950, next.Entries[0].Revision);
        var last = await Mediator.Send(new GetHistoryPage.Query(item.Id, 51, 50));
        Assert.Equal(1, last.Entries[^1].Revision);
        Assert.Equal("First version", last.Entries[^1].Kind);
        Assert.Equal(last.Entries[^1].Size, last.Entries[^1].SizeChange);
        Assert.Null(last.Older);
    }

    [Fact]
    public async Task a_page_reads_at_most_one_row_more_than_it_shows()
    {
        await using var cmd = item.Db.DataSource.CreateCommand("explain (analyze, format json) " + GetHistoryPage.PageSql);
        cmd.Parameters.AddWithValue("id", item.Id);
        cmd.Parameters.AddWithValue("before", NpgsqlTypes.NpgsqlDbType.Bigint, DBNull.Value);
        cmd.Parameters.AddWithValue("limit", 51);
        var plan = (string)(await cmd.ExecuteScalarAsync())!;
        Assert.DoesNotContain("Seq Scan", plan);
        Assert.DoesNotContain("\"Sort\"", plan);
        var scanned = System.Text.Json.JsonDocument.Parse(plan).RootElement[0].GetProperty("Plan").GetProperty("Plans")[0].GetProperty("Actual Rows").GetDouble();
        Assert.True(scanned <= 51, plan);
    }
}
