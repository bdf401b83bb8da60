using EventHistory.EventStore.Daemon;
using EventHistory.NewsItems;
using EventHistory.Pages;
using EventHistory.Projections;
using JasperFx.Events;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EventHistory.Tests;

/// item_search applies each batch Marten hands it as one statement, and any batch gives the rows
/// the event-by-event rule gives (the rule as it was before batching, below, is the oracle).
public sealed class ItemSearchProjectionTests : DomainTestBase
{
    private static readonly DateTimeOffset At = new(2017, 7, 30, 12, 0, 0, TimeSpan.Zero);
    private long _sequence;

    private IEvent E(Guid item, object data) => new Event<object>(data) { StreamId = item, Sequence = ++_sequence, Version = _sequence };

    private static NewsItemCreated Created(Guid id, string headline, string edition = "en") =>
        new(id, new DateOnly(2017, 7, 30), headline, $"Summary of {headline}", [], null, null, [], $"slug-{headline}", edition, At);

    private static ItemPage Page(string headline) =>
        new("en", new DateOnly(2017, 7, 31), $"page-{headline}", "default", headline, $"Page summary {headline}", [], null, null, [], []);

    /// Every event the projection reads, several of one item in a row and items interleaved: edits
    /// of an item not created yet (nothing), re-creation, retract/restore, revert, page_published,
    /// events it ignores, Marten's tombstones.
    private List<IEvent> Events(Guid[] i) =>
    [
        E(i[0], Created(i[0], "A")), E(i[0], new HeadlineRevised("A2", "slug-a2", At)), E(i[1], new HeadlineRevised("B0", "slug-b0", At)),
        E(i[0], new NewsItemRetracted(At, "wrong")), E(i[2], Created(i[2], "C", "zh")), E(i[0], new SummaryRevised("A summary 2", At)),
        E(i[1], new SummaryRevised("B summary 0", At)), E(i[3], new Tombstone()), E(i[2], new SourceAdded(new Source("S", "http://s/"), At)),
        E(i[1], Created(i[1], "B")), E(i[0], new NewsItemRestored(At, "right after all")), E(i[1], new NewsItemRetracted(At, null)),
        E(i[2], new NewsItemReverted(1, "C1", "slug-c1", "C summary 1", [], null, null, [], At)), E(i[0], new PagePublished(Page("A3"), At)),
        E(i[2], new NewsItemRetracted(At, null)), E(i[4], new SummaryRevised("never created", At)), E(i[2], Created(i[2], "C again")), // re-created, in en: every column is written again
        E(i[0], new TopicChanged("World", At)), E(i[1], new HeadlineRevised("B2", "slug-b2", At)), E(i[2], new HeadlineRevised("C3", "slug-c3", At)),
        E(i[0], new NewsItemReverted(2, "A2", "slug-a2", "A summary 2", [], null, null, [], At)), E(i[1], new NewsItemRestored(At, null)),
        E(i[5], Created(i[5], "F")), E(i[5], new NewsItemRetracted(At, null)),
    ];

    [Fact]
    public async Task any_split_of_the_events_into_batches_gives_the_rows_of_the_event_by_event_rule()
    {
        var items = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToArray();
        var events = Events(items);
        await ApplyOneStatementPerEventAsync(events);
        var expected = await RowsAsync();
        Assert.Contains($"({items[0]},2017-07-30,en,slug-a2,A2,\"A summary 2\",Published)", expected);
        Assert.Contains($"({items[1]},2017-07-30,en,slug-b2,B2,\"Summary of B\",Published)", expected);
        Assert.Contains($"({items[2]},2017-07-30,en,slug-c3,C3,\"Summary of C again\",Published)", expected);
        Assert.Contains($"({items[5]},2017-07-30,en,slug-F,F,\"Summary of F\",Retracted)", expected);
        Assert.DoesNotContain(items[3].ToString(), expected);
        Assert.DoesNotContain(items[4].ToString(), expected);

        foreach (var size in new[] { 1, 2, 3, 4, 5, 7, 11, events.Count })
        {
            await Db.ExecuteAsync("delete from eh_item_search");
            foreach (var batch in events.Chunk(size)) await ApplyBatchAsync(batch);
            Assert.Equal(expected, await RowsAsync());
        }
        // The same events again on the rows they made: each statement merges into rows that exist.
        await ApplyBatchAsync(events);
        Assert.Equal(expected, await RowsAsync());
    }

    [Fact]
    public async Task a_batch_is_one_statement_whatever_its_size()
    {
        var items = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToArray();
        var events = items.Select(i => E(i, Created(i, $"{i}"))).Concat(items.Select(i => E(i, new HeadlineRevised($"{i} 2", $"{i}-2", At))))
            .Concat(items.Select(i => E(i, new NewsItemRetracted(At, null)))).ToList();
        Assert.Equal(1, await ApplyBatchAsync(events[..300]));
        Assert.Equal(1, await ApplyBatchAsync(events[300..]));
        Assert.Equal(200L, await Db.ScalarAsync("select count(*) from eh_item_search where headline like '% 2' and status = 'Retracted'"));
        Assert.Equal(0, await ApplyBatchAsync([E(items[0], new TopicChanged("World", At)), E(items[1], new Tombstone())]));
    }

    [Fact]
    public async Task a_rebuild_gives_the_rows_the_daemon_wrote_live_in_its_own_batches()
    {
        var created = new List<Guid>();
        using var stop = new CancellationTokenSource();
        var daemon = Services.GetRequiredService<AsyncDaemon>();
        var run = Task.Run(() => daemon.RunAsync(stop.Token));
        // Writers and the live daemon side by side: it applies whatever has committed, in batches of every size.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            var mine = new List<Guid>();
            var m = MediatorFor($"w{w}");
            for (var k = 0; k < 40; k++)
            {
                if (mine.Count == 0 || k % 5 == 0)
                {
                    mine.Add((await m.Send(new CreateNewsItem.Command(new DateOnly(2017, 7, 30), $"Item {w}/{k} makes the news today. ", $"Summary {w}/{k}.", []))).ItemId);
                    continue;
                }
                var id = mine[(k * 7 + w) % mine.Count];
                try
                {
                    await ((k % 6) switch
                    {
                        0 => m.Send(new ReviseSummary.Command(id, $"Summary {w}/{k} revised.", null)),
                        1 => m.Send(new RetractNewsItem.Command(id, "check")),
                        2 => m.Send(new RestoreNewsItem.Command(id, "checked")),
                        3 => m.Send(new RevertToRevision.Command(id, 1, null)),
                        _ => m.Send(new ReviseHeadline.Command(id, $"Item {w}/{k} is revised. ", null)),
                    });
                }
                catch (Infrastructure.EditRejectedException) { } // e.g. an edit of a retracted item: refused, nothing appended
            }
            lock (created) created.AddRange(mine);
        })));
        await CaughtUpAsync();
        var live = await RowsAsync();
        Assert.Equal(created.Count, await Db.ScalarAsync("select count(*) from eh_item_search"));
        // What search holds is what each item says now.
        Assert.Equal(0L, await Db.ScalarAsync(
            "select count(*) from eh_items i left join eh_item_search s on s.item_id = i.id where s is null or (s.headline, s.slug, s.summary, s.status) <> (i.headline, i.slug, i.state->>'summary', i.status)"));

        await Services.GetRequiredService<ProjectionCatalog>().RebuildAsync("item_search", null, default);
        Assert.Equal(live, await RowsAsync());
        await stop.CancelAsync();
        await run;
    }

    private async Task CaughtUpAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await ProjectionStatusReader.ReadAsync(Db.DataSource, ["item_search"]))[0].LagEvents > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("item_search did not catch up.");
            await Task.Delay(50);
        }
    }

    private ItemSearchProjection Projection => Services.GetServices<AsyncProjection>().OfType<ItemSearchProjection>().Single();

    /// One daemon batch: the projection queues its SQL on a Marten session, which commits it.
    /// Returns how many statements it queued.
    private async Task<int> ApplyBatchAsync(IReadOnlyList<IEvent> batch)
    {
        await using var session = Services.GetRequiredService<EventStore.EventStore>().Marten.LightweightSession();
        await Projection.ApplyAsync(session, batch, CancellationToken.None);
        var statements = session.PendingChanges.Operations().Count();
        await session.SaveChangesAsync();
        return statements;
    }

    /// The rule as it was applied before batching: one statement per event, in order.
    private async Task ApplyOneStatementPerEventAsync(IEnumerable<IEvent> events)
    {
        await using var conn = await Db.DataSource.OpenConnectionAsync();
        foreach (var e in events)
        {
            var (sql, values) = e.Data switch
            {
                NewsItemCreated c => ("""
                    insert into eh_item_search (item_id, date, edition, slug, headline, summary, status)
                    values ($1, $2, $3, $4, $5, $6, 'Published')
                    on conflict (item_id) do update set date = excluded.date, edition = excluded.edition, slug = excluded.slug,
                        headline = excluded.headline, summary = excluded.summary, status = excluded.status
                    """, new object[] { e.StreamId, c.Date, c.Edition, c.Slug, c.Headline, c.Summary }),
                HeadlineRevised h => ("update eh_item_search set headline = $1, slug = $2 where item_id = $3", [h.Headline, h.Slug, e.StreamId]),
                SummaryRevised s => ("update eh_item_search set summary = $1 where item_id = $2", [s.Summary, e.StreamId]),
                NewsItemReverted v => ("update eh_item_search set headline = $1, slug = $2, summary = $3 where item_id = $4", [v.Headline, v.Slug, v.Summary, e.StreamId]),
                PagePublished p => ("update eh_item_search set headline = $1, slug = $2, summary = $3 where item_id = $4",
                    [p.Page.Headline, p.Page.Slug, p.Page.Summary, e.StreamId]),
                NewsItemRetracted => ("update eh_item_search set status = 'Retracted' where item_id = $1", [e.StreamId]),
                NewsItemRestored => ("update eh_item_search set status = 'Published' where item_id = $1", [e.StreamId]),
                _ => ((string?)null, Array.Empty<object>()),
            };
            if (sql is null) continue;
            await using var cmd = new NpgsqlCommand(sql, conn);
            foreach (var v in values) cmd.Parameters.Add(new NpgsqlParameter { Value = v });
            await cmd.ExecuteNonQueryAsync();
        }
    }

    private async Task<string> RowsAsync()
    {
        await using var cmd = Db.DataSource.CreateCommand(
            "select coalesce(string_agg(t::text, E'\\n' order by t.item_id), '') from (select item_id, date, edition, slug, headline, summary, status from eh_item_search) t");
        var rows = (string)(await cmd.ExecuteScalarAsync())!;
        // The generated tsvector follows from the columns; compare it too, row for row.
        await using var doc = Db.DataSource.CreateCommand("select coalesce(string_agg(document::text, E'\\n' order by item_id), '') from eh_item_search");
        return rows + "\n--\n" + (string)(await doc.ExecuteScalarAsync())!;
    }
}
