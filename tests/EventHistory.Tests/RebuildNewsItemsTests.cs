using EventHistory.EventStore.Daemon;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using EventHistory.Projections;
using EventHistory.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Tests;

/// The inline news_items projection (eh_items, eh_item_revisions, eh_item_paths) rebuilt from the events.
public sealed class RebuildNewsItemsTests : DomainTestBase
{

    private const string Tables =
        """
        select (select string_agg(t::text, E'\n' order by t.id) from eh_items t) || E'\n--\n' ||
               (select string_agg(t::text, E'\n' order by t.item_id, t.revision) from eh_item_revisions t) || E'\n--\n' ||
               (select string_agg(t::text, E'\n' order by t.path) from eh_item_paths t)
        """;

    /// Every index (with its definition), constraint and column of the three tables.
    private const string Shape =
        """
        select string_agg(x, E'\n' order by x) from (
            select indexdef as x from pg_indexes
            where schemaname = current_schema() and tablename in ('eh_items', 'eh_item_revisions', 'eh_item_paths')
            union all
            select conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) from pg_constraint
            where conrelid in ('eh_items'::regclass, 'eh_item_revisions'::regclass, 'eh_item_paths'::regclass)
            union all
            select attrelid::regclass || ' ' || attname || ' ' || format_type(atttypid, atttypmod) || ' ' || attnotnull || ' ' || attcompression::text
            from pg_attribute
            where attrelid in ('eh_items'::regclass, 'eh_item_revisions'::regclass, 'eh_item_paths'::regclass) and attnum > 0 and not attisdropped) s
        """;

    private async Task<List<Guid>> WriteHistoryAsync(int items, int revisions)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < items; i++)
        {
            var id = (await MediatorFor("ann").Send(new CreateNewsItem.Command(new DateOnly(2018, 1, 10 + i % 5), $"Item {i} first ", $"Summary {i}.", []))).ItemId;
            for (var r = 2; r <= revisions; r++) await MediatorFor(r % 2 == 0 ? "bob" : "cy").Send(new ReviseHeadline.Command(id, $"Item {i} revision {r} ", $"reason {r}"));
            ids.Add(id);
        }
        return ids;
    }

    private Task<string> TablesAsync() => TextAsync(Tables);

    private async Task<string> TextAsync(string sql)
    {
        await using var cmd = Db.DataSource.CreateCommand(sql);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task the_rebuilt_tables_equal_the_ones_written_inline()
    {
        await WriteHistoryAsync(12, 4);
        var original = await TablesAsync();
        var shape = await TextAsync(Shape);
        var reports = new List<RebuildProgress>();

        var result = await MediatorFor("admin").Send(new RebuildProjection.Command(ProjectionCatalog.NewsItems, new Collect(reports)));

        Assert.Equal(48, result.Events);
        Assert.Equal(original, await TablesAsync());
        Assert.Equal(shape, await TextAsync(Shape));
        Assert.Equal(48, reports[^1].Done);
        Assert.Equal(0L, await Db.ScalarAsync($"select count(*) from information_schema.schemata where schema_name like '{Db.Schema}\\_rebuild%'"));
        // Reads and writes go on against the swapped-in tables.
        var item = await MediatorFor("x").Send(new FindNewsItemByPath.Query("/news/2018/01/10/item-0-first.md"));
        await MediatorFor("dee").Send(new ReviseHeadline.Command(item, "Item 0 after the rebuild ", null, 4));
        Assert.Equal(5, (await MediatorFor("x").Send(new GetNewsItem.Query(item))).Revision);
    }

    [Fact]
    public async Task writers_are_not_blocked_during_a_rebuild_and_none_of_their_edits_is_lost()
    {
        var ids = await WriteHistoryAsync(30, 3);
        using var stop = new CancellationTokenSource();
        var edits = 0;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await MediatorFor("eve").Send(new ReviseHeadline.Command(ids[i % ids.Count], $"Edit during the rebuild {i} ", null));
                edits++;
            }
        });
        await Task.Delay(200);
        await MediatorFor("admin").Send(new RebuildProjection.Command(ProjectionCatalog.NewsItems));
        await Task.Delay(200);
        await stop.CancelAsync();
        await writer;

        Assert.True(edits > 0);
        Assert.Equal(await Db.ScalarAsync("select count(*) from mt_events"), await Db.ScalarAsync("select count(*) from eh_item_revisions"));
        Assert.Equal(0L, await Db.ScalarAsync("select count(*) from eh_items i join mt_streams s on s.id = i.id where i.revision <> s.version"));
        var inline = await TablesAsync();
        await MediatorFor("admin").Send(new RebuildProjection.Command(ProjectionCatalog.NewsItems));
        Assert.Equal(inline, await TablesAsync());
    }

    private sealed class Collect(List<RebuildProgress> into) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => into.Add(value);
    }
}
