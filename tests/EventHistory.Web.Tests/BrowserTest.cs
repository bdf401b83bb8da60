using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace EventHistory.Web.Tests;

/// What every browser test does with a page it reaches: a screenshot kept with the test output,
/// and an accessibility scan that must find nothing serious or critical.
public abstract class BrowserTest(WebSite site, ITestOutputHelper output) : IAsyncLifetime
{
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    protected WebSite Site => site;
    private readonly List<IBrowserContext> _contexts = [];

    /// A browser context of its own (its own cookies), like a second browser.
    protected async Task<IPage> NewPageAsync(int width = 1200, int height = 900)
    {
        var context = await site.Browser.NewContextAsync(new() { BaseURL = site.Address, ViewportSize = new() { Width = width, Height = height } });
        context.SetDefaultTimeout(30_000);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    protected async Task<IPage> SignedInPageAsync(string key)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/sign-in");
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        return page;
    }

    /// Screenshot and accessibility scan of the page as it is now.
    protected async Task CheckAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        var file = Path.Combine(Screenshots, name + ".png");
        await page.ScreenshotAsync(new() { Path = file, FullPage = true });
        output.WriteLine($"screenshot: {file}");
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        foreach (var v in result.Violations)
            output.WriteLine($"axe {v.Impact}: {v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html).Take(3))})");
        Assert.True(bad.Count == 0, $"{page.Url}: " + string.Join("; ", bad.Select(v => $"{v.Id} ({v.Impact}): {v.Help}: {string.Join(" | ", v.Nodes.Select(n => n.Html).Take(3))}")));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts) await context.DisposeAsync();
    }
}
