using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace EventHistory.Web.Tests;

/// A reader walks the imported 2017-07-30 item: its page, its history, a diff, the time machine.
public sealed class ReadingTests(WebSite site, ITestOutputHelper output) : BrowserTest(site, output), IClassFixture<WebSite>
{
    [Fact]
    public async Task the_item_page_is_at_its_html_path_and_its_old_path_leads_there()
    {
        var page = await NewPageAsync();
        var response = await page.GotoAsync(WebSite.OldSlugPage + ".html");
        Assert.Equal(200, response!.Status);
        Assert.EndsWith(WebSite.CurrentPage + ".html", page.Url);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Putin expels 755 U.S. diplomats");
        await Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("755 U.S. diplomats"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Al Jazeera" }).First).ToBeVisibleAsync();
        await CheckAsync(page, "item");

        await page.GetByRole(AriaRole.Link, new() { Name = "2017-07-30" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sunday, 30 July 2017");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Russian President Vladimir Putin expels 755 U.S. diplomats" }).First).ToBeVisibleAsync();
        // The day page as the site had it (what index.md serves): its entries, not only the items imported here.
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Boko Haram insurgents ambush an oil exploration team" })).ToBeVisibleAsync();
        Assert.EndsWith("/news/2017/07/30/index.html", page.Url);
        await CheckAsync(page, "day");

        await page.GetByRole(AriaRole.Link, new() { Name = "EventHistory" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sunday, 30 July 2017" })).ToBeVisibleAsync();
        await CheckAsync(page, "home");
    }

    [Fact]
    public async Task the_history_lists_every_revision_with_both_clocks_editor_kind_and_size()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(WebSite.CurrentPage + ".html");
        await page.GetByRole(AriaRole.Link, new() { Name = "History", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("History of");
        var rows = page.Locator("table.history tbody tr");
        await Expect(rows).ToHaveCountAsync(4);
        // Newest first: the old page learned last, then the updates, then the first version.
        await Expect(rows.Nth(0)).ToContainTextAsync("Earlier version found");
        await Expect(rows.Nth(3)).ToContainTextAsync("First version");
        await Expect(rows.Nth(3)).ToContainTextAsync("2017-08-02 07:30:05 UTC");
        await Expect(rows.Nth(3)).ToContainTextAsync("web-editor");
        await Expect(page.Locator("tr.current")).ToHaveCountAsync(1);
        await Expect(rows.Nth(0).Locator("td").Nth(3)).ToContainTextAsync("UTC");
        await Expect(rows.Nth(0).Locator("td").Nth(4)).ToContainTextAsync("UTC");
        await Expect(rows.Nth(2).Locator("td").Nth(7)).ToContainTextAsync("bytes");
        // Readable at a desktop width: no date broken at its hyphens, the reasons not squeezed to a word a line.
        Assert.True(await page.EvaluateAsync<bool>("(s => s.length === 16 && s.every(e => e.getClientRects().length === 1))([...document.querySelectorAll('table.history .nb')])"),
            "a time in the history breaks inside its date or clock");
        Assert.True(await rows.Nth(0).Locator("td").Nth(8).EvaluateAsync<double>("e => e.getBoundingClientRect().width") >= 200, "the reason column is squeezed");
        await CheckAsync(page, "history");

        await rows.Nth(3).GetByRole(AriaRole.Link, new() { Name = "Revision 1" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("755 United States diplomats");
        await CheckAsync(page, "revision");
    }

    [Fact]
    public async Task comparing_revisions_1_and_3_highlights_united_states_replaced_by_us()
    {
        var page = await NewPageAsync();
        await page.GotoAsync($"/items/{Site.ExampleItem}/history");
        await page.GetByLabel("Compare from revision 1", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Compare to revision 3", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare selected revisions" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Changes from revision 1 to revision 3");
        var headline = page.Locator("tr[data-field=headline]");
        await Expect(headline.Locator("del")).ToHaveTextAsync(["United States"]);
        await Expect(headline.Locator("ins")).ToHaveTextAsync(["U.S."]);
        // Revision 1 is known from the later page's Changes list: its old path is shown going to the new one.
        await Expect(page.Locator("tr[data-field=path] del")).ToContainTextAsync("755-united-states-diplomats");
        await CheckAsync(page, "diff");

        await page.GetByRole(AriaRole.Link, new() { Name = "Next change →" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Changes from revision 3 to revision 4");
        await page.GetByRole(AriaRole.Link, new() { Name = "← Previous change" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Changes from revision 2 to revision 3");
    }

    [Fact]
    public async Task the_time_machine_at_2017_08_10_shows_revision_1_and_links_back_to_now()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("See the site as of").FillAsync("2017-08-10T00:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Go" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("as of 2017-08-10 00:00:00 UTC");
        await page.GetByRole(AriaRole.Link, new() { Name = "Russian President Vladimir Putin expels 755 United States diplomats" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("755 United States diplomats");
        await Expect(page.Locator(".meta")).ToContainTextAsync("Revision 1,");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("as of 2017-08-10");
        await CheckAsync(page, "time-machine");

        var permalink = await page.GetByRole(AriaRole.Link, new() { Name = "Permalink of this view" }).GetAttributeAsync("href");
        Assert.Contains("asOf=2017-08-10T00%3A00%3A00Z", permalink);
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("755 U.S. diplomats");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task on_a_phone_the_history_the_diff_and_recent_changes_fit_the_screen_and_the_keyboard_reaches_the_content_first()
    {
        var page = await NewPageAsync(width: 390, height: 844);
        foreach (var (path, name) in new[] { ($"/items/{Site.ExampleItem}/history", "phone-history"), ($"/items/{Site.ExampleItem}/diff?from=1&to=3", "phone-diff"), ("/changes", "phone-changes") })
        {
            await page.GotoAsync(path);
            await CheckAsync(page, name);
            // The tables' headings are off screen on a phone: each cell names itself.
            if (name == "phone-changes")
                Assert.Equal("\"Editor: \"", await page.Locator("table.changes td.editor").First.EvaluateAsync<string>("e => getComputedStyle(e, '::before').content"));
            // Nothing wider than the screen: no sideways scrolling.
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), $"{path} scrolls sideways on a phone");
        }
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to the content" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.EndsWith("#main", page.Url);
    }
}
