using System.Diagnostics;
using System.Text.Json;
using EventHistory.EventStore;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using EventHistory.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EventHistory.Tests;

/// Reading revision 1 of an item with 10,000 revisions costs one index probe into
/// eh_item_revisions; the events are never scanned.
public sealed class LongHistoryReadTests(LongHistoryReadTests.LongItem item, ITestOutputHelper output) : IClassFixture<LongHistoryReadTests.LongItem>
{
    private const int Revisions = 10_000;
    private static readonly DateTimeOffset Start = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// Built once for the class: 10,000 revisions appended 500 to a transaction.
    public sealed class LongItem : IAsyncLifetime
    {
        public TestDatabase Db { get; private set; } = null!;
        public ServiceProvider Services { get; private set; } = null!;
        public Guid Id { get; } = Guid.CreateVersion7();
        public long AppendMilliseconds { get; private set; }

        public async Task InitializeAsync()
        {
            Db = await TestDatabase.CreateAsync();
            await ServiceRegistration.EnsureSchemaAsync(Db.DataSource);
            Services = new ServiceCollection().AddEventHistory(Db.DataSource).BuildServiceProvider();
            var store = Services.GetRequiredService<EventStore.EventStore>();
            var clock = Stopwatch.StartNew();
            var version = 0L;
            while (version < Revisions)
            {
                var batch = new List<object>();
                if (version == 0) batch.Add(new NewsItemCreated(Id, new DateOnly(2000, 1, 1), "A long history ", "Summary 1", [], null, null, [], "a-long-history", "en", Start));
                while (batch.Count < 500 && version + batch.Count < Revisions)
                    batch.Add(new SummaryRevised($"Summary {version + batch.Count + 1}", Start.AddHours(version + batch.Count)));
                await store.AppendAsync(Id, NewsItemEventTypes.StreamType, version, batch, new EventMetadata("bulk"));
                version += batch.Count;
            }
            AppendMilliseconds = clock.ElapsedMilliseconds;
            await Db.ExecuteAsync("analyze");
        }

        public async Task DisposeAsync()
        {
            await Services.DisposeAsync();
            await Db.DisposeAsync();
        }
    }

    private async Task<string> PlanAsync(string sql, DateTimeOffset? at = null, long? revision = null)
    {
        await using var cmd = item.Db.DataSource.CreateCommand("explain (format json) " + sql);
        cmd.Parameters.AddWithValue("id", item.Id);
        if (at is { } t) cmd.Parameters.AddWithValue("at", NpgsqlTypes.NpgsqlDbType.TimestampTz, t);
        if (revision is { } r) cmd.Parameters.AddWithValue("rev", r);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static IEnumerable<JsonElement> Nodes(JsonElement plan)
    {
        yield return plan;
        if (plan.TryGetProperty("Plans", out var children))
            foreach (var child in children.EnumerateArray())
                foreach (var node in Nodes(child)) yield return node;
    }

    private void AssertIndexOnlyOnRevisions(string planJson)
    {
        output.WriteLine(planJson);
        var nodes = Nodes(JsonDocument.Parse(planJson).RootElement[0].GetProperty("Plan")).ToList();
        var scans = nodes.Where(n => n.TryGetProperty("Relation Name", out _)).ToList();
        Assert.NotEmpty(scans);
        Assert.All(scans, n => Assert.Equal("eh_item_revisions", n.GetProperty("Relation Name").GetString()));
        Assert.All(scans, n => Assert.Contains("Index", n.GetProperty("Node Type").GetString()));
        Assert.DoesNotContain("mt_events", planJson);
        Assert.DoesNotContain("Seq Scan", planJson);
    }

    [Fact]
    public async Task revision_one_is_read_by_index_from_the_revisions_projection()
    {
        AssertIndexOnlyOnRevisions(await PlanAsync(RevisionRows.ByRevisionSql, revision: 1));
    }

    [Fact]
    public async Task as_of_reads_on_either_clock_use_an_index_and_never_touch_the_events()
    {
        AssertIndexOnlyOnRevisions(await PlanAsync(RevisionRows.AsOfEditedSql, at: Start.AddMinutes(30)));
        AssertIndexOnlyOnRevisions(await PlanAsync(RevisionRows.AsOfRecordedSql, at: DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task the_first_and_the_last_revision_read_back_right_and_cost_about_the_same()
    {
        using var scope = item.Services.CreateScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        await mediator.Send(new GetRevision.Query(item.Id, 1));

        var first = Stopwatch.StartNew();
        for (var i = 0; i < 50; i++) await mediator.Send(new GetRevision.Query(item.Id, 1));
        first.Stop();
        var last = Stopwatch.StartNew();
        for (var i = 0; i < 50; i++) await mediator.Send(new GetRevision.Query(item.Id, Revisions));
        last.Stop();
        var asOf = Stopwatch.StartNew();
        for (var i = 0; i < 50; i++) await mediator.Send(new GetItemAsOf.Query(item.Id, Start.AddMinutes(30)));
        asOf.Stop();
        output.WriteLine($"appended {Revisions} revisions in {item.AppendMilliseconds} ms");
        output.WriteLine($"50 reads each: revision 1 {first.Elapsed.TotalMilliseconds:F0} ms, revision {Revisions} {last.Elapsed.TotalMilliseconds:F0} ms, as of the first hour {asOf.Elapsed.TotalMilliseconds:F0} ms");

        Assert.Equal("Summary 1", (await mediator.Send(new GetRevision.Query(item.Id, 1))).Summary);
        Assert.Equal($"Summary {Revisions}", (await mediator.Send(new GetRevision.Query(item.Id, Revisions))).Summary);
        Assert.Equal(2, (await mediator.Send(new GetItemAsOf.Query(item.Id, Start.AddMinutes(90)))).Revision);
        Assert.Equal(Revisions, (await mediator.Send(new GetItemAsOf.Query(item.Id, DateTimeOffset.UtcNow, Clock.Recorded))).Revision);
    }
}
