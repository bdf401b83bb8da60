using System.Text;
using System.Text.RegularExpressions;
using EventHistory.Testing;
using Xunit.Abstractions;

namespace EventHistory.Web.Tests;

/// Pages that list many things read them in a fixed number of queries, not one per thing listed.
public sealed class QueryCountTests(WebSite site, ITestOutputHelper output) : IClassFixture<WebSite>
{
    [Fact]
    public async Task the_home_page_reads_its_seven_days_in_a_fixed_number_of_queries_now_and_in_the_time_machine()
    {
        // Six more dates than the imported one: the home page lists the latest seven.
        for (var day = 1; day <= 6; day++) await site.CreateItemAsync($"Item of November {day}", date: $"2026-11-0{day}");
        using var sql = new SqlCommands(site.Address);
        foreach (var path in new[] { "/", "/?asOf=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O")) })
        {
            var (status, html, commands) = await sql.GetAsync(path);
            Assert.Equal(200, status);
            Assert.Equal(7, Regex.Matches(html, "<h2 ").Count);
            // The dates, their items, and (in the time machine) their related items' headlines then:
            // one query a day would be 8 or more.
            output.WriteLine($"{path}: {commands} SQL commands");
            Assert.InRange(commands, 1, 3);
        }
    }

    [Fact]
    public async Task the_source_texts_page_reads_every_source_in_a_fixed_number_of_queries()
    {
        var item = await site.CreateItemAsync("Three sources report the fire", sources: 3);
        for (var source = 1; source <= 3; source++)
            foreach (var text in new[] { $"Source {source} reports a fire.\n", $"Source {source} reports a large fire.\n" })
            {
                var response = await site.Editor.PutAsync($"/api/items/{item}/sources/{source}/text", new StringContent(text, Encoding.UTF8, "text/plain"));
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            }
        using var sql = new SqlCommands(site.Address);
        var (status, html, commands) = await sql.GetAsync($"/items/{item}/sources");
        Assert.Equal(200, status);
        // Each source with its two versions, in the item's order.
        Assert.Equal(6, Regex.Matches(html, ">Version [12]</a>").Count);
        Assert.True(html.IndexOf("Example 2", StringComparison.Ordinal) < html.IndexOf("Example 3", StringComparison.Ordinal));
        output.WriteLine($"sources page: {commands} SQL commands");
        // The item and all its texts' rows; a listing per source was 3 queries a source.
        Assert.InRange(commands, 1, 2);
    }
}
