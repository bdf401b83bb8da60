using System.Net.Http.Json;
using System.Text.Json;
using EventHistory.Access;
using EventHistory.Api;
using EventHistory.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace EventHistory.Web.Tests;

/// The real service on a free loopback port over its own schema, the 2017-07-30 example item
/// imported from its two page files and its day page, and a real Chromium (Debian's, at /usr/bin/chromium: none
/// can be downloaded here) driven by Playwright.
public class WebSite : IAsyncLifetime
{
    public const string Folder = "/news/2017/07/30/";
    public const string CurrentPage = Folder + "russian-president-vladimir-putin-expels-755-u-s-diplomats-in-response-to-new-sanctions-imposed-by-the-united-states";
    public const string OldSlugPage = Folder + "russia-united-states-relations-russian-president-vladimir-putin-expels-755-u-s-diplomats-in-response-to-new-sanctions-imposed-by-the-uni";
    public static string ChromiumPath => Environment.GetEnvironmentVariable("EVENTHISTORY_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public TestDatabase Db { get; private set; } = null!;
    public WebApplication App { get; private set; } = null!;
    public string Address { get; private set; } = null!;
    /// Keys of an editor, a second editor and a reader, with HTTP clients that speak as the first two.
    public string EditorKey { get; private set; } = null!;
    public string OtherEditorKey { get; private set; } = null!;
    public string ReaderKey { get; private set; } = null!;
    public HttpClient Editor { get; private set; } = null!;
    public HttpClient OtherEditor { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public Guid ExampleItem { get; private set; }
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// More of the service's settings, as command-line arguments ("--NAME", "value").
    protected virtual string[] Settings => [];

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        App = await ApiHost.BuildAsync(["--urls", "http://127.0.0.1:0", "--EVENTHISTORY_DB", Db.ConnectionString, "--Logging:LogLevel:Default", "Warning", .. Settings]);
        await App.StartAsync();
        Address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var keys = App.Services.GetRequiredService<ApiKeys>();
        EditorKey = await keys.CreateAsync("web-editor", Role.Editor);
        OtherEditorKey = await keys.CreateAsync("web-other-editor", Role.Editor);
        ReaderKey = await keys.CreateAsync("web-reader", Role.Reader);
        Editor = ClientFor(EditorKey);
        OtherEditor = ClientFor(OtherEditorKey);
        Admin = ClientFor(await keys.CreateAsync("web-admin", Role.Admin));

        // The order a directory import takes: the page with the Changes list, then the old slug's file.
        foreach (var path in new[] { CurrentPage + ".md", OldSlugPage + ".md" })
        {
            var response = await Editor.PostAsJsonAsync("/api/pages", new { path, text = await File.ReadAllTextAsync(Corpus.PathOf("en" + path)) });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
        var day = await Editor.PostAsJsonAsync("/api/pages", new { path = Folder + "index.md", text = await File.ReadAllTextAsync(Corpus.PathOf("en" + Folder + "index.md")) });
        Assert.True(day.IsSuccessStatusCode, await day.Content.ReadAsStringAsync());
        // The lookup answers with a redirect to the item, which is read from its Location: a followed
        // redirect goes without the Authorization header, and with reads closed that is a 401.
        using var lookup = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(Address) };
        lookup.DefaultRequestHeaders.Authorization = Editor.DefaultRequestHeaders.Authorization;
        var found = await lookup.GetAsync($"/api/items?path={Uri.EscapeDataString(OldSlugPage + ".md")}");
        Assert.True(found.StatusCode == System.Net.HttpStatusCode.Redirect, await found.Content.ReadAsStringAsync());
        ExampleItem = Guid.Parse(found.Headers.Location!.OriginalString.Split('/')[^1]);

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true });
    }

    public HttpClient ClientFor(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(Address) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// A fresh item of the test's own, made through the API, so tests that edit do not change what others read.
    public async Task<Guid> CreateItemAsync(string headline, string summary = "A summary that says what happened.", string date = "2026-11-20", int sources = 1)
    {
        var response = await Editor.PostAsJsonAsync("/api/items", new
        {
            date, headline, summary, sources = Enumerable.Range(1, sources).Select(n => new { name = n == 1 ? "Example" : $"Example {n}", url = $"https://example.org/{(char)('a' + n - 1)}" }).ToArray(),
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("itemId").GetGuid();
    }

    /// An edit through the API on whatever revision is current (If-Match: *), as another client would make it.
    public async Task ReviseSummaryAsync(HttpClient client, Guid item, string summary)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/items/{item}/summary") { Content = JsonContent.Create(new { summary }) };
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        Editor.Dispose();
        OtherEditor.Dispose();
        Admin.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Db.DisposeAsync();
    }
}
