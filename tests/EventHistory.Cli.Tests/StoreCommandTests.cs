using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using EventHistory.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Cli.Tests;

/// projections, rebuild and search, with no daemon running.
public sealed class StoreCommandTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await ServiceRegistration.EnsureSchemaAsync(_db.DataSource);
        await using var services = new ServiceCollection().AddEventHistory(_db.DataSource).BuildServiceProvider();
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<EditorContext>().Editor = "ann";
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        await mediator.Send(new CreateNewsItem.Command(new DateOnly(2018, 1, 14), "Oil tanker Sanchi sinks in the East China Sea ",
            "The tanker burned for a week after a collision.", []));
        await mediator.Send(new CreateNewsItem.Command(new DateOnly(2018, 1, 15), "Floods in Peru ", "Rivers burst their banks.", []));
        _adminKey = await scope.ServiceProvider.GetRequiredService<Access.ApiKeys>().CreateAsync("cli-admin", Access.Role.Admin);
    }

    private string _adminKey = null!;

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await Cli.RunAsync(args, output, error, _db.ConnectionString, _adminKey);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task projections_show_the_lag_until_a_rebuild_then_search_finds_the_item()
    {
        var (code, output, _) = await RunAsync("projections");
        Assert.Equal(0, code);
        var searchLine = output.Split('\n').Single(l => l.StartsWith("item_search"));
        Assert.Contains("stopped", searchLine);
        Assert.Contains(" 2 ", searchLine);
        Assert.Empty((await RunAsync("search", "tanker")).Out);

        (code, output, var error) = await RunAsync("rebuild", "item_search");
        Assert.Equal((0, "rebuilt item_search from 2 events\n"), (code, output));
        Assert.Contains("[##############################] 100% 2/2 events", error);

        (code, output, _) = await RunAsync("search", "tanker", "sinks");
        Assert.Equal(0, code);
        Assert.StartsWith("2018-01-14  Oil tanker Sanchi sinks in the East China Sea", output);
        Assert.Contains("/news/2018/01/14/oil-tanker-sanchi-sinks-in-the-east-china-sea.md", output);
        Assert.DoesNotContain("Peru", output);
    }

    [Fact]
    public async Task projections_named_together_are_rebuilt_at_the_same_time_under_one_bar()
    {
        var (code, output, error) = await RunAsync("rebuild", "stream_event_counts", "item_search");

        Assert.Equal((0, "rebuilt stream_event_counts from 2 events\nrebuilt item_search from 2 events\n"), (code, output));
        Assert.Contains("stream_event_counts + item_search [##############################] 100% 4/4 events", error);
        Assert.StartsWith("2018-01-14  Oil tanker Sanchi sinks", (await RunAsync("search", "tanker")).Out);
    }

    [Fact]
    public async Task an_unknown_name_among_several_rebuilds_none_of_them()
    {
        var (code, _, error) = await RunAsync("rebuild", "item_search", "nonsense");

        Assert.Equal(1, code);
        Assert.Contains("'nonsense'", error);
        Assert.Contains("news_items, stream_event_counts, item_search", error);
        Assert.Empty((await RunAsync("search", "tanker")).Out);
    }

    [Fact]
    public async Task rebuilding_an_unknown_projection_exits_1_naming_the_known_ones()
    {
        var (code, _, error) = await RunAsync("rebuild", "nonsense");
        Assert.Equal(1, code);
        Assert.Contains("news_items, stream_event_counts, item_search", error);
        Assert.Equal(2, (await RunAsync("rebuild")).Code);
    }
}
