using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace EventHistory.Web.Tests;

/// Recent changes as MediaWiki's Special:RecentChanges lists them: the newest first, paged back by
/// a cursor that neither skips nor repeats an entry; a filter that cannot be read is an error.
public sealed class RecentChangesTests(WebSite site, ITestOutputHelper output) : BrowserTest(site, output), IClassFixture<WebSite>
{
    [Fact]
    public async Task changes_are_newest_first_and_the_older_pages_hold_every_change_once_even_while_edits_go_on()
    {
        // 1 + 64 changes by one editor: more than a page of 50, filtered so nothing else is listed.
        var item = await Site.CreateItemAsync("Count of the city's trees", "Tree 1 counted.");
        for (var n = 2; n <= 65; n++) await Site.ReviseSummaryAsync(Site.OtherEditor, item, $"Tree {n} counted.");

        var page = await NewPageAsync();
        await page.GotoAsync("/changes?editor=web-other-editor");
        var revisions = page.Locator("table.changes tbody tr td:nth-child(4) > a:first-child");
        await Expect(revisions).ToHaveCountAsync(50);
        var first = await revisions.AllTextContentsAsync();
        Assert.Equal(Enumerable.Range(16, 50).Reverse().Select(n => n.ToString()), first);
        await CheckAsync(page, "changes-newest");

        // A change made while the reader is on the first page: it is newer than the cursor, so
        // the older pages neither show it nor shift by it.
        await Site.ReviseSummaryAsync(Site.OtherEditor, item, "Tree 66 counted.");
        await page.GetByRole(AriaRole.Link, new() { Name = "Older 50 changes" }).ClickAsync();
        Assert.Contains("editor=web-other-editor", page.Url);
        await Expect(revisions).ToHaveCountAsync(14);
        Assert.Equal(Enumerable.Range(2, 14).Reverse().Select(n => n.ToString()), await revisions.AllTextContentsAsync());
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older 50 changes" })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Newest changes" }).ClickAsync();
        await Expect(revisions.First).ToHaveTextAsync("66");
    }

    [Fact]
    public async Task a_date_that_cannot_be_read_is_answered_with_a_400_naming_the_field()
    {
        var page = await NewPageAsync();
        foreach (var (query, field, label) in new[] { ("since=yesterday", "since", "Recorded from"), ("until=2026-13-45", "until", "until") })
        {
            var response = await page.GotoAsync("/changes?editor=web-editor&" + query);
            Assert.Equal(400, response!.Status);
            var alert = page.GetByRole(AriaRole.Alert);
            await Expect(alert).ToContainTextAsync($"“{label}” is not a date");
            await Expect(page.Locator($"#f-{field}")).ToHaveAttributeAsync("aria-invalid", "true");
            // Nothing listed as if the filter had been applied; the other filters are kept in the form.
            await Expect(page.Locator("table.changes")).ToHaveCountAsync(0);
            await Expect(page.GetByLabel("Editor")).ToHaveValueAsync("web-editor");
        }
        await CheckAsync(page, "changes-bad-date");
        var cursor = await page.GotoAsync("/changes?before=not-a-cursor");
        Assert.Equal(400, cursor!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not a position in the list of changes");
    }
}
