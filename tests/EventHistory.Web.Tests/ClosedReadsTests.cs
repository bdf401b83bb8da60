using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace EventHistory.Web.Tests;

/// The service with EVENTHISTORY_OPEN_READS=false: only a key holder reads.
public sealed class ClosedReadsSite : WebSite
{
    protected override string[] Settings => ["--EVENTHISTORY_OPEN_READS", "false"];
}

/// With reads closed a browser can still reach the sign-in page (and its stylesheet), and nothing
/// else; once signed in with a reader's key, the pages read.
public sealed class ClosedReadsTests(ClosedReadsSite site, ITestOutputHelper output) : BrowserTest(site, output), IClassFixture<ClosedReadsSite>
{
    [Fact]
    public async Task only_the_sign_in_pages_and_the_stylesheet_answer_without_a_session()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(Site.Address) };
        Assert.Equal(200, (int)(await anonymous.GetAsync("/sign-in")).StatusCode);
        var css = await anonymous.GetAsync("/web/site.css");
        Assert.Equal(200, (int)css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        foreach (var path in new[] { "/", WebSite.CurrentPage + ".html", WebSite.Folder + "index.html", $"/items/{Site.ExampleItem}/history",
                     $"/items/{Site.ExampleItem}/diff?from=1&to=3", $"/items/{Site.ExampleItem}/sources", "/changes", "/search?q=putin" })
        {
            var response = await anonymous.GetAsync(path);
            // The browser is sent to sign in, and back here afterwards; no page content is given.
            Assert.Equal(302, (int)response.StatusCode);
            Assert.Equal("/sign-in", response.Headers.Location!.AbsolutePath);
            Assert.Contains("returnUrl=", response.Headers.Location.Query);
            Assert.DoesNotContain("Putin", await response.Content.ReadAsStringAsync());
        }
        // The API stays bearer-only: no redirect there.
        Assert.Equal(401, (int)(await anonymous.GetAsync($"/api/items/{Site.ExampleItem}")).StatusCode);
    }

    [Fact]
    public async Task a_reader_signs_in_and_is_taken_back_to_the_page_they_asked_for_which_reads()
    {
        var page = await NewPageAsync();
        await page.GotoAsync($"/items/{Site.ExampleItem}/history");
        // Sent to sign in, with the page styled (the stylesheet is open too).
        Assert.Contains("/sign-in", page.Url);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign in");
        Assert.Equal("absolute", await page.Locator(".skip").EvaluateAsync<string>("e => getComputedStyle(e).position"));
        await CheckAsync(page, "closed-sign-in");

        await page.GetByLabel("API key").FillAsync(Site.ReaderKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("History of");
        Assert.EndsWith($"/items/{Site.ExampleItem}/history", page.Url);
        await Expect(page.Locator("table.history tbody tr")).ToHaveCountAsync(4);
        await page.GotoAsync(WebSite.CurrentPage + ".html");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("755 U.S. diplomats");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync("/changes");
        Assert.Contains("/sign-in", page.Url);
    }
}
