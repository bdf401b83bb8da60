using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using EventHistory.Pages;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Tests.Pages;

public sealed class CommandItemExportTests : IAsyncLifetime
{
    private PageImportHarness _harness = null!;
    public async Task InitializeAsync() => _harness = await PageImportHarness.CreateAsync();
    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task an_item_made_through_commands_exports_in_layout_b_and_its_renamed_page_keeps_its_old_file()
    {
        await using var services = new ServiceCollection().AddEventHistory(_harness.Db.DataSource).BuildServiceProvider();
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<EditorContext>().Editor = "ann";
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var created = await mediator.Send(new CreateNewsItem.Command(new DateOnly(2018, 3, 1), "Tariffs announced. ", "Markets fall.",
            [new Source("BBC", "http://www.bbc.com/news/world-us-canada-43251320")], "Presidency of Donald Trump"));
        await mediator.Send(new ReviseHeadline.Command(created.ItemId, "Tariffs on steel announced. ", "more precise"));

        var pages = await _harness.ExportAsync();

        Assert.Equal(["/news/2018/03/1/tariffs-announced.md", "/news/2018/03/1/tariffs-on-steel-announced.md"], pages.Select(p => p.Path));
        var current = pages[1].Text;
        var old = pages[0].Text;
        Assert.StartsWith("\nFormats: [HTML](/news/2018/03/1/tariffs-on-steel-announced.html)  ", current);
        Assert.Contains("##### Presidency of Donald Trump\n# Tariffs on steel announced. \n\nMarkets fall.\n\n\n### Sources:\n\n1. [BBC](http://www.bbc.com/news/world-us-canada-43251320)\n\n### Changes:\n\n1. [Tariffs announced. ](/news/2018/03/1/tariffs-announced.md) _", current);
        Assert.EndsWith(" (First version)_\n1. [Tariffs on steel announced. ](/news/2018/03/1/tariffs-on-steel-announced.md) _(Current version)_\n", current);
        Assert.Contains("# Tariffs announced. \n", old);
        Assert.DoesNotContain("### Changes:", old);
        Assert.Equal(current, ItemPageRenderer.Render(ItemPageParser.Parse(pages[1].Path, current)));
    }
}
