using EventHistory.EventStore.Daemon;

namespace EventHistory.EventStore.Tests;

/// A rebuild split by stream applies every stream in exactly one slice: PostgreSQL, not .NET, orders the ids.
public sealed class StreamSliceTests : StoreTestBase
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task every_stream_id_falls_in_exactly_one_slice(int count)
    {
        var slices = StreamSlice.Split(count);
        Assert.Equal(count, slices.Count);
        var ids = Enumerable.Range(0, 2000).Select(_ => Guid.NewGuid())
            .Concat([Guid.Empty, Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff"), Guid.Parse("80000000-0000-0000-0000-000000000000"),
                Guid.Parse("7fffffff-ffff-ffff-ffff-ffffffffffff")]).ToArray();
        // How many slices hold each id, by PostgreSQL's own comparison of the conditions.
        var inSlices = string.Join(" + ", slices.Select(s => $"(case when true{s.Condition("id")} then 1 else 0 end)"));
        await using var cmd = Db.DataSource.CreateCommand($"select count(*) filter (where n <> 1) from (select {inSlices} as n from unnest(@ids) as t(id)) x");
        cmd.Parameters.AddWithValue("ids", ids);
        Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task random_stream_ids_spread_about_evenly_over_the_slices()
    {
        var slices = StreamSlice.Split(2);
        var ids = Enumerable.Range(0, 4000).Select(_ => Guid.NewGuid()).ToArray();
        await using var cmd = Db.DataSource.CreateCommand($"select count(*) from unnest(@ids) as t(id) where true{slices[0].Condition("id")}");
        cmd.Parameters.AddWithValue("ids", ids);
        var first = (long)(await cmd.ExecuteScalarAsync())!;
        Assert.InRange(first, 1600, 2400);
    }
}
