using System.Text;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace EventHistory.Web.Tests;

/// A long history in pages, the source articles' versions and diffs, and search.
public sealed class OtherPagesTests(WebSite site, ITestOutputHelper output) : BrowserTest(site, output), IClassFixture<WebSite>
{
    [Fact]
    public async Task a_long_history_is_paged_twenty_at_a_time_and_the_oldest_page_ends_at_revision_one()
    {
        var item = await Site.CreateItemAsync("Bridge works go on", "Day 1 of the works.");
        for (var day = 2; day <= 25; day++) await Site.ReviseSummaryAsync(Site.Editor, item, $"Day {day} of the works.");
        var page = await NewPageAsync();
        await page.GotoAsync($"/items/{item}/history");
        var rows = page.Locator("table.history tbody tr");
        await Expect(rows).ToHaveCountAsync(20);
        await Expect(rows.First).ToContainTextAsync("Revision 25");
        await page.GetByRole(AriaRole.Link, new() { Name = "Older 20" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(5);
        await Expect(rows.Last).ToContainTextAsync("Revision 1");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older 20" })).ToHaveCountAsync(0);
        await CheckAsync(page, "history-older");
        await page.GetByRole(AriaRole.Link, new() { Name = "Newer 20" }).ClickAsync();
        await Expect(rows.First).ToContainTextAsync("Revision 25");
        await page.GetByRole(AriaRole.Link, new() { Name = "50", Exact = true }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(25);
    }

    [Fact]
    public async Task a_sources_captured_texts_are_listed_and_their_word_diff_shown()
    {
        var item = await Site.CreateItemAsync("Council approves the budget");
        foreach (var text in new[] { "The council approved the budget on Monday.\n", "The council approved the new budget on Tuesday.\n" })
        {
            var response = await Site.Editor.PutAsync($"/api/items/{item}/sources/1/text", new StringContent(text, Encoding.UTF8, "text/plain"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
        var page = await NewPageAsync();
        await page.GotoAsync($"/items/{item}/sources");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Version 2" })).ToBeVisibleAsync();
        await CheckAsync(page, "sources");
        await page.GetByRole(AriaRole.Link, new() { Name = "what changed from version 1" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Example: version 1 to version 2");
        await Expect(page.Locator("pre ins")).ToHaveTextAsync(["new ", "Tuesday"]);
        await Expect(page.Locator("pre del")).ToHaveTextAsync(["Monday"]);
        await CheckAsync(page, "source-diff");
    }

    [Fact]
    public async Task search_finds_the_example_item_by_a_word_of_its_summary()
    {
        // The search projection is kept by the daemon; a rebuild answers once it has read every event.
        var rebuilt = await Site.Admin.PostAsync("/api/projections/item_search/rebuild", null);
        Assert.True(rebuilt.IsSuccessStatusCode, await rebuilt.Content.ReadAsStringAsync());
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Search", Exact = true }).ClickAsync();
        await page.GetByLabel("Words in the headline or summary").FillAsync("retaliation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync("1 result");
        await page.GetByRole(AriaRole.Link, new() { Name = "755 U.S. diplomats" }).ClickAsync();
        Assert.EndsWith(WebSite.CurrentPage + ".html", page.Url);
        await CheckAsync(page, "search");
    }
}
