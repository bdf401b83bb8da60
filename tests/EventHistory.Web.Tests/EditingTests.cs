using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace EventHistory.Web.Tests;

/// Editors sign in with their key and edit; the audit trail names the key's holder; a stale edit
/// is refused with what changed shown, and nothing is overwritten. Each test edits an item of its own.
public sealed class EditingTests(WebSite site, ITestOutputHelper output) : BrowserTest(site, output), IClassFixture<WebSite>
{
    [Fact]
    public async Task an_editor_signs_in_and_revises_the_headline_and_the_history_names_them()
    {
        var item = await Site.CreateItemAsync("Floods close the old bridge");
        var page = await SignedInPageAsync(Site.EditorKey);
        await CheckAsync(page, "signed-in");
        await page.GotoAsync($"/items/{item}/edit");
        await Expect(page.GetByLabel("Headline")).ToHaveValueAsync("Floods close the old bridge");
        await CheckAsync(page, "edit");
        await page.GetByLabel("Headline").FillAsync("Floods close the old stone bridge");
        await page.GetByLabel("Why (shown in the history)").FillAsync("more precise");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("History of");
        var newest = page.Locator("table.history tbody tr").First;
        await Expect(newest).ToContainTextAsync("Revision 2");
        await Expect(newest).ToContainTextAsync("web-editor");
        await Expect(newest).ToContainTextAsync("more precise");
        var current = await Site.Editor.GetFromJsonAsync<JsonElement>($"/api/items/{item}");
        Assert.Equal("Floods close the old stone bridge", current.GetProperty("headline").GetString());
        var revisions = await Site.Editor.GetFromJsonAsync<JsonElement[]>($"/api/items/{item}/revisions");
        Assert.Equal("web-editor", revisions![^1].GetProperty("editor").GetString());
    }

    [Fact]
    public async Task a_conflicting_edit_from_a_second_browser_is_refused_with_the_changes_shown_and_nothing_overwritten()
    {
        var item = await Site.CreateItemAsync("Storm reaches the coast", "Winds of 120 km/h are expected tonight.");
        var first = await SignedInPageAsync(Site.EditorKey);
        var second = await SignedInPageAsync(Site.OtherEditorKey);
        await first.GotoAsync($"/items/{item}/edit");
        await second.GotoAsync($"/items/{item}/edit");

        await first.GetByLabel("Summary").FillAsync("Winds of 150 km/h are expected tonight.");
        await first.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(first.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("History of");

        await second.GetByLabel("Summary").FillAsync("Winds of 120 km/h are expected tomorrow.");
        await second.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        var conflict = second.GetByRole(AriaRole.Alert);
        await Expect(conflict).ToContainTextAsync("Someone changed this item since you loaded it");
        await Expect(conflict.Locator("tr[data-field=summary] del")).ToHaveTextAsync(["120"]);
        await Expect(conflict.Locator("tr[data-field=summary] ins")).ToHaveTextAsync(["150"]);
        await Expect(second.GetByLabel("Summary")).ToHaveValueAsync("Winds of 120 km/h are expected tomorrow.");
        await CheckAsync(second, "conflict");

        var current = await Site.Editor.GetFromJsonAsync<JsonElement>($"/api/items/{item}");
        Assert.Equal("Winds of 150 km/h are expected tonight.", current.GetProperty("summary").GetString());
        Assert.Equal(2, (await Site.Editor.GetFromJsonAsync<JsonElement[]>($"/api/items/{item}/revisions"))!.Length);
    }

    [Fact]
    public async Task a_readers_key_signs_in_but_cannot_edit_and_a_wrong_key_is_refused()
    {
        var item = await Site.CreateItemAsync("Library reopens after repairs");
        var page = await NewPageAsync();
        await page.GotoAsync("/sign-in");
        await page.GetByLabel("API key").FillAsync("ehk_not-a-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That key is unknown or revoked.");

        var reader = await SignedInPageAsync(Site.ReaderKey);
        await reader.GotoAsync($"/items/{item}/history");
        await Expect(reader.GetByRole(AriaRole.Link, new() { Name = "Edit" })).ToHaveCountAsync(0);
        await reader.GotoAsync($"/items/{item}/edit");
        Assert.Contains("/sign-in", reader.Url);
        Assert.Single((await Site.Editor.GetFromJsonAsync<JsonElement[]>($"/api/items/{item}/revisions"))!);
    }

    [Fact]
    public async Task a_form_post_without_the_antiforgery_token_writes_nothing()
    {
        var item = await Site.CreateItemAsync("Market opens early");
        var page = await SignedInPageAsync(Site.EditorKey);
        // The signed-in browser's cookies, but a form made elsewhere: no token.
        var response = await page.APIRequest.PostAsync($"/items/{item}/edit", new()
        {
            Form = page.APIRequest.CreateFormData().Set("headline", "Market opens late").Set("summary", "x").Set("expected", "1"),
        });
        Assert.Equal(400, response.Status);
        Assert.Single((await Site.Editor.GetFromJsonAsync<JsonElement[]>($"/api/items/{item}/revisions"))!);
    }

    [Fact]
    public async Task recent_changes_filtered_by_editor_show_only_that_editors_changes()
    {
        var item = await Site.CreateItemAsync("Ferry service resumes");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/items/{item}/headline")
        {
            Content = JsonContent.Create(new { headline = "Ferry service resumes on Monday", reason = "date known" }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        var edit = await Site.OtherEditor.SendAsync(request);
        Assert.True(edit.IsSuccessStatusCode, await edit.Content.ReadAsStringAsync());

        var page = await NewPageAsync();
        await page.GotoAsync("/changes");
        await Expect(page.Locator("link[rel=alternate][type='application/atom+xml']")).ToHaveAttributeAsync("href", "/api/changes.atom");
        await page.GetByLabel("Editor").FillAsync("web-other-editor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var editors = page.Locator("table.changes td.editor");
        await Expect(editors).ToHaveTextAsync(["web-other-editor"]);
        await Expect(page.Locator("table.changes")).ToContainTextAsync("Ferry service resumes on Monday");
        await CheckAsync(page, "changes");
    }
}
