using EventHistory.NewsItems;
using EventHistory.Pages;
using EventHistory.Testing;

namespace EventHistory.Tests.Pages;

public sealed class PageFormatTests
{
    public static IEnumerable<(string File, string PagePath)> CorpusPages() =>
        Directory.EnumerateFiles(Corpus.Root, "*.md", SearchOption.AllDirectories)
            .Select(f => (f, PagePaths.FromRelative(Path.GetRelativePath(Corpus.Root, f))))
            .Where(p => p.Item2 is not null)
            .Select(p => (p.f, p.Item2!))
            .OrderBy(p => p.f, StringComparer.Ordinal);

    [Fact]
    public void every_corpus_page_parses_and_renders_back_to_its_exact_bytes()
    {
        var count = 0;
        foreach (var (file, path) in CorpusPages())
        {
            var text = File.ReadAllText(file);
            try
            {
                var rendered = path.EndsWith("/index.md")
                    ? DayPageFormat.Render(DayPageFormat.Parse(path, text))
                    : ItemPageRenderer.Render(ItemPageParser.Parse(path, text));
                Assert.Equal(text, rendered);
            }
            catch (PageFormatException e)
            {
                Assert.Fail($"{file}: {e.Message}");
            }
            count++;
        }
        Assert.True(count >= 1670, $"only {count} pages found");
    }

    [Fact]
    public void the_example_page_reads_into_its_parts()
    {
        var path = "/news/2017/07/30/russian-president-vladimir-putin-expels-755-u-s-diplomats-in-response-to-new-sanctions-imposed-by-the-united-states.md";
        var page = ItemPageParser.Parse(path, File.ReadAllText(Corpus.PathOf("en" + path)));
        Assert.Equal(PageLayouts.A1, page.Layout);
        Assert.Equal("Russian President Vladimir Putin expels 755 U.S. diplomats in response to new sanctions imposed by the United States. ", page.Headline);
        Assert.Equal(["Al Jazeera", "CNN"], page.Sources.Select(s => s.Name));
        Assert.Null(page.CoverImage);
        Assert.Equal(5, page.Related.Count);
        Assert.Equal(" Russian President, Russia-United States relations", page.Related[2].Context);
        Assert.Equal(2, page.Changes.Count);
        Assert.Equal(new DateTimeOffset(2017, 8, 2, 7, 30, 5, TimeSpan.Zero), page.Changes[0].EditedAt);
        Assert.Equal(new DateTimeOffset(2017, 8, 27, 3, 48, 44, TimeSpan.Zero), page.Changes[1].EditedAt);
    }

    private static readonly string ExamplePath = "/news/2016/12/29/the-united-states-expels-35-russian-diplomats-over-the-alleged-russian-interference-during-the-u-s-s-2016-presidential-election.md";
    private static string Example => File.ReadAllText(Corpus.PathOf("en" + ExamplePath));

    [Fact]
    public void a_truncated_page_is_rejected_with_its_line()
    {
        var text = Example[..(Example.Length / 2)];
        var e = Assert.Throws<PageFormatException>(() => ItemPageParser.Parse(ExamplePath, text));
        Assert.True(e.Line > 1);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void a_page_with_its_sections_reordered_is_rejected_at_the_first_line_out_of_place()
    {
        var lines = Example.TrimEnd('\n').Split('\n').ToList();
        var source = lines.IndexOf("### Source:");
        var related = lines.IndexOf("### Related:");
        var reordered = lines[..(source - 1)].Concat(lines[(related - 1)..]).Concat(lines[(source - 1)..(related - 1)]);
        var e = Assert.Throws<PageFormatException>(() => ItemPageParser.Parse(ExamplePath, string.Join('\n', reordered) + "\n"));
        Assert.Equal(source + 1, e.Line);
        Assert.Contains("layout A1", e.Message);
    }

    [Theory]
    [InlineData("hello world\n", 1)]
    [InlineData("", 1)]
    [InlineData("### [2016-12-29](/news/2016/12/29/index.md)\n\n# Headline\n\nSummary\n\n\n### Source:\n\n1. Publisher without a link\n", 10)]
    [InlineData("### [2016-12-30](/news/2016/12/30/index.md)\n\n# Headline\n\n\n\n", 1)]
    public void garbage_is_rejected_with_the_line_that_broke_the_layout(string text, int line)
    {
        var e = Assert.Throws<PageFormatException>(() => ItemPageParser.Parse(ExamplePath, text));
        Assert.Equal(line, e.Line);
    }
}
