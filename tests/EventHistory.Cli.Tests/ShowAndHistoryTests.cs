using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using EventHistory.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Cli.Tests;

public sealed class ShowAndHistoryTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Guid _id;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await ServiceRegistration.EnsureSchemaAsync(_db.DataSource);
        await using var services = new ServiceCollection().AddEventHistory(_db.DataSource).BuildServiceProvider();
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<EditorContext>().Editor = "ann";
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        _id = (await mediator.Send(new CreateNewsItem.Command(new DateOnly(2017, 7, 30), "First headline ", "Summary.", []))).ItemId;
        await mediator.Send(new ReviseHeadline.Command(_id, "Second headline ", "clearer", 1));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await Cli.RunAsync(args, output, error, _db.ConnectionString);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task show_prints_the_current_item_or_a_past_revision()
    {
        var (code, output, _) = await RunAsync("show", _id.ToString());
        Assert.Equal(0, code);
        Assert.StartsWith("Second headline", output);
        Assert.Contains("revision  2", output);

        (code, output, _) = await RunAsync("show", "/news/2017/07/30/first-headline.md", "--revision", "1");
        Assert.Equal(0, code);
        Assert.StartsWith("First headline", output);
    }

    [Fact]
    public async Task history_lists_each_revision_with_editor_and_reason()
    {
        var (code, output, _) = await RunAsync("history", "news/2017/07/30/second-headline.md");
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("First version") && l.Contains("ann") && l.Contains("First headline"));
        Assert.Contains(lines, l => l.Contains("Update (current)") && l.Contains("Second headline"));
        Assert.Contains(lines, l => l.Contains("why: clearer"));
    }

    [Fact]
    public async Task history_columns_stay_aligned_whatever_the_editor_names_length()
    {
        await using (var services = new ServiceCollection().AddEventHistory(_db.DataSource).BuildServiceProvider())
        {
            using var scope = services.CreateScope();
            scope.ServiceProvider.GetRequiredService<EditorContext>().Editor = "the-night-desk-editor-of-the-weekend-edition";
            await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ReviseHeadline.Command(_id, "Third headline ", null, 2));
        }
        var (code, output, _) = await RunAsync("history", _id.ToString());
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var column = lines[0].IndexOf("headline", StringComparison.Ordinal);
        Assert.Equal(column, lines.Single(l => l.Contains("First version")).IndexOf("First headline", StringComparison.Ordinal));
        Assert.Equal(column, lines.Single(l => l.Contains("Update (current)")).IndexOf("Third headline", StringComparison.Ordinal));
        Assert.Equal(column, lines.Single(l => l.Contains("why: clearer")).IndexOf("why: clearer", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Equal(l.TrimEnd(), l));
    }

    [Fact]
    public async Task an_unknown_item_exits_1_with_a_message_and_bad_usage_exits_2()
    {
        var (code, _, error) = await RunAsync("show", Guid.NewGuid().ToString());
        Assert.Equal(1, code);
        Assert.Contains("was not found", error);
        Assert.Equal(2, (await RunAsync("frobnicate")).Code);
        Assert.Equal(2, (await RunAsync("show", "x", "--revision", "abc")).Code);
    }
}
