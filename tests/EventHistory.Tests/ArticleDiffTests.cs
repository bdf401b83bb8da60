using System.Diagnostics;
using System.Text;
using EventHistory.Articles;
using EventHistory.Diffs;
using EventHistory.Testing;

namespace EventHistory.Tests;

public sealed class ArticleDiffTests
{
    private static readonly string Article = File.ReadAllText(Corpus.PathOf("articles/haaretz.com_us-news_1.762145.txt"));

    private static string Old(IEnumerable<DiffSegment> d) => string.Concat(d.Where(s => s.Kind != DiffKind.Insert).Select(s => s.Text));
    private static string New(IEnumerable<DiffSegment> d) => string.Concat(d.Where(s => s.Kind != DiffKind.Delete).Select(s => s.Text));
    private static List<(DiffKind, string)> Changes(IEnumerable<DiffSegment> d) => [.. d.Where(s => s.Kind != DiffKind.Equal).Select(s => (s.Kind, s.Text))];

    [Fact]
    public void an_edited_word_is_exactly_one_deletion_and_one_insertion()
    {
        var edited = Article.Replace("closed two Russian compounds", "shut two Russian compounds");
        var diff = ArticleDiff.Compare(Article, edited);
        Assert.Equal([(DiffKind.Delete, "closed"), (DiffKind.Insert, "shut")], Changes(diff));
        Assert.Equal((Article, edited), (Old(diff), New(diff)));
    }

    [Theory]
    [InlineData("crlf")]
    [InlineData("paragraph inserted")]
    [InlineData("paragraph deleted")]
    [InlineData("final newline added")]
    [InlineData("everything new")]
    [InlineData("emptied")]
    public void joining_the_segments_gives_back_both_texts(string change)
    {
        var paragraphs = Article.Split("\n\n");
        var changed = change switch
        {
            "crlf" => Article.Replace("\n", "\r\n"),
            "paragraph inserted" => string.Join("\n\n", paragraphs.Take(3).Append("A new paragraph, added later.").Concat(paragraphs.Skip(3))),
            "paragraph deleted" => string.Join("\n\n", paragraphs.Where((_, i) => i != 4)),
            "final newline added" => Article + "\n",
            "everything new" => "Nothing of the old text.\n",
            _ => "",
        };
        var diff = ArticleDiff.Compare(Article, changed);
        Assert.Equal(Article, Old(diff));
        Assert.Equal(changed, New(diff));
        if (change is "crlf" or "final newline added") Assert.All(Changes(diff), c => Assert.True(string.IsNullOrWhiteSpace(c.Item2)));
        if (change == "paragraph inserted") Assert.Equal([(DiffKind.Insert, "A new paragraph, added later.\n\n")], Changes(diff));
    }

    [Fact]
    public void a_2_MB_article_edited_in_every_paragraph_is_diffed_in_seconds_and_exactly()
    {
        var big = string.Concat(Enumerable.Repeat(Article + "\n\n", 580));
        var edited = big.Replace("Maryland", "Virginia");
        Assert.True(Encoding.UTF8.GetByteCount(big) > 2_000_000);

        var clock = Stopwatch.StartNew();
        var diff = ArticleDiff.Compare(big, edited);
        clock.Stop();

        Assert.Equal(580, Changes(diff).Count(c => c == (DiffKind.Delete, "Maryland")));
        Assert.Equal(580, Changes(diff).Count(c => c == (DiffKind.Insert, "Virginia")));
        Assert.Equal(1160, Changes(diff).Count);
        Assert.Equal((big, edited), (Old(diff), New(diff)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public void a_long_run_changed_throughout_is_shown_replaced_rather_than_edited_word_by_word()
    {
        var before = string.Join(' ', Enumerable.Range(0, ArticleDiff.MaxRegionTokens).Select(i => $"w{i}"));
        var after = string.Join(' ', Enumerable.Range(0, ArticleDiff.MaxRegionTokens).Select(i => i % 2 == 0 ? $"w{i}" : $"x{i}"));
        var diff = ArticleDiff.Compare("Same start.\n" + before + "\nSame end.", "Same start.\n" + after + "\nSame end.");
        Assert.Equal([DiffKind.Equal, DiffKind.Delete, DiffKind.Insert, DiffKind.Equal], diff.Select(s => s.Kind));
        Assert.Equal(("Same start.\n" + before + "\nSame end.", "Same start.\n" + after + "\nSame end."), (Old(diff), New(diff)));
    }
}
