using EventHistory.EventStore.Daemon;
using EventHistory.NewsItems;
using EventHistory.Projections;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EventHistory.Tests;

/// A rebuild applies item_search's rule in SQL (ChangesFromEvents), the live daemon applies Fold:
/// over random event sequences, stored for real, both give the same rows, whatever the ranges.
public sealed class ItemSearchRebuildTests : DomainTestBase
{
    private static readonly DateTimeOffset At = new(2017, 7, 30, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task the_sql_rule_of_a_rebuild_gives_the_rows_fold_gives_over_random_event_sequences(int seed)
    {
        var random = new Random(seed);
        var items = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToArray();
        var versions = new Dictionary<Guid, int>();
        for (var i = 0; i < 300; i++)
        {
            // A few events of one item per append, as edits and imports append them.
            var item = items[random.Next(items.Length)];
            var events = Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomEvent(random, item)).ToArray();
            await AppendAsync(item, versions.GetValueOrDefault(item), events);
            versions[item] = versions.GetValueOrDefault(item) + events.Length;
        }

        // Fold: the events as Marten's daemon loads them, in random batches.
        var marten = Services.GetRequiredService<EventStore.EventStore>().Marten;
        IReadOnlyList<IEvent> all;
        await using (var query = marten.QuerySession()) all = await query.Events.QueryAllRawEvents().OrderBy(e => e.Sequence).ToListAsync();
        for (var at = 0; at < all.Count;)
        {
            var size = random.Next(1, 40);
            await using var session = marten.LightweightSession();
            await Projection.ApplyAsync(session, all.Skip(at).Take(size).ToList(), CancellationToken.None);
            await session.SaveChangesAsync();
            at += size;
        }
        var folded = await RowsAsync();
        Assert.True(await Db.ScalarAsync("select count(*) from eh_item_search") >= 6);
        Assert.True(await Db.ScalarAsync("select count(*) from eh_item_search where status = 'Retracted'") >= 1);

        // The SQL rule, in ranges small enough that an item's events span several, each range
        // applied on one connection or split by stream over several.
        foreach (var (range, connections) in new[] { (1L, 1), (7L, 1), (100_000L, 1), (7L, 3), (100_000L, 2) })
        {
            var rebuilder = new ProjectionRebuilder(Services.GetRequiredService<EventStore.EventStore>(), Services.GetRequiredService<AsyncDaemon>())
                { SequencesPerTransaction = range, Connections = connections };
            Assert.Equal(all.Count, await rebuilder.RebuildAsync(Projection, null));
            Assert.Equal(folded, await RowsAsync());
        }
    }

    private object RandomEvent(Random random, Guid item)
    {
        var n = random.Next(1000);
        return random.Next(10) switch
        {
            0 => new NewsItemCreated(item, new DateOnly(2017, 7, 1 + n % 28), $"Created {n}", $"Summary {n}", [], null, null, [],
                $"created-{n}", n % 2 == 0 ? "en" : "zh", At),
            1 or 2 => new HeadlineRevised($"Headline {n}", $"headline-{n}", At),
            3 => new SummaryRevised($"Revised summary {n}", At),
            4 => new NewsItemReverted(1, $"Reverted {n}", $"reverted-{n}", $"Reverted summary {n}", [], null, null, [], At),
            5 => new PagePublished(new ItemPage("en", new DateOnly(2017, 8, 1), $"page-{n}", "default", $"Page {n}", $"Page summary {n}", [], null, null, [], []), At),
            6 => new NewsItemRetracted(At, null),
            7 => new NewsItemRestored(At, null),
            8 => new TopicChanged($"Topic {n}", At),
            _ => new EarlierVersionFound($"Earlier {n}", $"/en/earlier-{n}", At),
        };
    }

    /// Straight through Marten, around the store: the sequences need not be edits the domain accepts.
    private async Task AppendAsync(Guid item, int version, object[] events)
    {
        await using var session = Services.GetRequiredService<EventStore.EventStore>().Marten.LightweightSession();
        if (version == 0) session.Events.StartStream<NewsItem>(item, events);
        else session.Events.Append(item, events);
        await session.SaveChangesAsync();
    }

    private ItemSearchProjection Projection => Services.GetServices<AsyncProjection>().OfType<ItemSearchProjection>().Single();

    private async Task<string> RowsAsync()
    {
        await using var cmd = Db.DataSource.CreateCommand(
            "select coalesce(string_agg(t::text, E'\\n' order by t.item_id), '') from (select item_id, date, edition, slug, headline, summary, status, document from eh_item_search) t");
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
