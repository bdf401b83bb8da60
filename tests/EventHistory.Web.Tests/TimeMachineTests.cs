using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace EventHistory.Web.Tests;

/// The time machine's reach: home, day and item pages are shown as of a time; a history's times
/// link into it; the pages about the record itself (history, diffs) stay outside it.
public sealed class TimeMachineTests(WebSite site, ITestOutputHelper output) : BrowserTest(site, output), IClassFixture<WebSite>
{
    [Fact]
    public async Task a_historys_edit_time_opens_the_item_page_as_of_then_with_that_revision_and_the_banner()
    {
        var item = await Site.CreateItemAsync("Harbour crane collapses", "The crane fell at noon.");
        await Site.ReviseSummaryAsync(Site.Editor, item, "The crane fell at noon; nobody was hurt.");
        await Site.ReviseSummaryAsync(Site.Editor, item, "The crane fell at noon; nobody was hurt. The port is closed.");
        var page = await NewPageAsync();
        await page.GotoAsync($"/items/{item}/history");
        var second = page.Locator("table.history tbody tr").Nth(1);
        await Expect(second).ToContainTextAsync("Revision 2");
        // The Edited cell: its time, linking to the site as of that time.
        await second.Locator("td").Nth(3).GetByRole(AriaRole.Link).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("You are seeing the site as of");
        await Expect(page.Locator(".summary")).ToHaveTextAsync("The crane fell at noon; nobody was hurt.");
        await Expect(page.Locator(".meta")).ToContainTextAsync("Revision 2,");
        Assert.Contains(".html?asOf=", page.Url);
        await CheckAsync(page, "time-machine-from-history");

        // The item's tabs keep the time on its page only: the history is every time already.
        await page.GetByRole(AriaRole.Link, new() { Name = "History", Exact = true }).ClickAsync();
        await Expect(page.Locator("table.history tbody tr")).ToHaveCountAsync(3);
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
        Assert.DoesNotContain("asOf", page.Url);

        await page.GotoAsync($"/items/{item}/revisions/1");
        await page.GetByRole(AriaRole.Link, new() { Name = "The site as of this edit’s time" }).ClickAsync();
        await Expect(page.Locator(".summary")).ToHaveTextAsync("The crane fell at noon.");
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to now" }).ClickAsync();
        await Expect(page.Locator(".summary")).ToHaveTextAsync("The crane fell at noon; nobody was hurt. The port is closed.");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task the_history_and_diff_ignore_as_of_and_their_time_machine_goes_to_the_items_page()
    {
        var item = await Site.CreateItemAsync("Tram line opens", "The line opens on Friday.");
        await Site.ReviseSummaryAsync(Site.Editor, item, "The line opened on Friday.");
        var page = await NewPageAsync();
        foreach (var path in new[] { $"/items/{item}/history?asOf=2017-01-01T00:00:00Z", $"/items/{item}/diff?from=1&to=2&asOf=2017-01-01T00:00:00Z" })
        {
            await page.GotoAsync(path);
            // No banner: these pages show every revision, whatever time is asked.
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
        }
        await page.GotoAsync($"/items/{item}/history");
        await page.GetByLabel("See the site as of").FillAsync(DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Go" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("as of");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Tram line opens");
        await Expect(page.Locator(".summary")).ToHaveTextAsync("The line opened on Friday.");
    }
}
