using System.Diagnostics;
using System.Text.RegularExpressions;
using EventHistory.Pages;
using Xunit.Abstractions;

namespace EventHistory.Tests.Pages;

/// Every page version of the zh history's first 600 commits follows a layout the strict parser
/// knows and renders back to its exact bytes; the output counts them per layout.
public sealed partial class HistoryLayoutSurveyTests(ITestOutputHelper output)
{
    [Fact]
    public void every_page_version_of_the_zh_history_parses_strictly_and_renders_back_exactly()
    {
        var clock = Stopwatch.StartNew();
        using var history = new ZhGitHistory();
        var pages = history.Pages();
        output.WriteLine($"read {pages.Count} page versions in {clock.ElapsedMilliseconds} ms");

        clock.Restart();
        var layouts = new SortedDictionary<string, (int Count, HistoryPage First, HistoryPage Last)>(StringComparer.Ordinal);
        var failures = new SortedDictionary<string, (int Count, HistoryPage Example)>(StringComparer.Ordinal);
        foreach (var page in pages)
        {
            var (kind, layout, error) = Survey(page);
            // Pages come oldest commit first, so the first one seen is where the layout appeared.
            if (error is null)
            {
                var key = $"{kind} {layout}";
                layouts[key] = layouts.TryGetValue(key, out var seen) ? (seen.Count + 1, seen.First, page) : (1, page, page);
            }
            else
            {
                var shape = $"{kind}: {Quoted().Replace(error, "\"...\"")}";
                failures[shape] = (failures.GetValueOrDefault(shape).Count + 1, failures.GetValueOrDefault(shape).Example ?? page);
            }
        }
        output.WriteLine($"parsed and rendered in {clock.ElapsedMilliseconds} ms");
        foreach (var (layout, (count, first, last)) in layouts)
            output.WriteLine($"{count,7}  {layout,-22} {first.CommittedAt:u} ({first.Commit[..8]}) to {last.CommittedAt:u} ({last.Commit[..8]})");
        foreach (var (shape, (count, example)) in failures)
            output.WriteLine($"{count,7}  FAILED {shape}  (e.g. {example.Commit[..8]} {example.Path})");

        Assert.True(pages.Count > 40_000, $"only {pages.Count} page versions read");
        Assert.Empty(failures.Keys);
    }

    /// A README.md is the day page again (FORMAT.md), so it is read as its folder's index.md.
    private static (string Kind, string? Layout, string? Error) Survey(HistoryPage page)
    {
        var folder = page.Path[..page.Path.LastIndexOf('/')];
        var file = page.Path[(folder.Length + 1)..];
        var kind = file switch { "index.md" => "day", "README.md" => "readme", _ => "item" };
        try
        {
            if (kind == "item")
            {
                var item = ItemPageParser.Parse(page.Path, page.Text);
                return Same(kind, item.Layout, page.Text, ItemPageRenderer.Render(item));
            }
            var day = DayPageFormat.Parse(folder + "/index.md", page.Text);
            return Same(kind, day.Layout, page.Text, DayPageFormat.Render(day));
        }
        catch (PageFormatException e)
        {
            return (kind, null, e.Message);
        }
    }

    private static (string, string?, string?) Same(string kind, string layout, string text, string rendered) =>
        rendered == text ? (kind, layout, null) : (kind, null, "renders differently");

    [GeneratedRegex("\"[^\"]*\"|'[^']*'|\\d{4}-\\d\\d-\\d+")]
    private static partial Regex Quoted();
}
