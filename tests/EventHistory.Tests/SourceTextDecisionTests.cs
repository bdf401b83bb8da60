using System.Text;
using EventHistory.Articles;
using EventHistory.NewsItems;
using EventHistory.Testing;

namespace EventHistory.Tests;

/// Capture decisions and the article text rules, without a database.
public sealed class SourceTextDecisionTests
{
    private static readonly Source Haaretz = new("Haaretz", "http://www.haaretz.com/us-news/1.762145");
    private static readonly DateTimeOffset Now = new(2017, 1, 2, 9, 0, 0, TimeSpan.Zero);
    private static string Article => File.ReadAllText(Corpus.PathOf("articles/haaretz.com_us-news_1.762145.txt"));

    private static SourceTextVersion VersionOf(SourceTextCaptured e) => new(
        Guid.Empty, e.SourceUrl, e.SourceName, e.Version, e.Version + 1, e.EditedAt, e.EditedAt, e.ArticleDate, e.Trivial, e.Sha256,
        ArticleText.Encode(e.Text).Length, "ann", null);

    [Fact]
    public void the_first_capture_is_version_1_with_the_articles_own_date_and_is_not_trivial()
    {
        var e = CaptureSourceText.Decide(Haaretz, null, null, Article, Now, "first look")!;
        Assert.Equal(1, e.Version);
        Assert.Equal(new DateOnly(2016, 12, 29), e.ArticleDate);
        Assert.False(e.Trivial);
        Assert.Equal(Article, e.Text);
        Assert.Equal(Haaretz.Url, e.SourceUrl);
        Assert.Equal(Now, e.EditedAt);
    }

    [Fact]
    public void the_same_text_as_the_latest_version_decides_nothing()
    {
        var first = CaptureSourceText.Decide(Haaretz, null, null, Article, Now, null)!;
        Assert.Null(CaptureSourceText.Decide(Haaretz, VersionOf(first), Article, Article, Now.AddDays(1), null));
    }

    [Fact]
    public void a_changed_word_is_the_next_version_and_not_trivial()
    {
        var first = CaptureSourceText.Decide(Haaretz, null, null, Article, Now, null)!;
        var edited = Article.Replace("closed two Russian compounds", "shut two Russian compounds");
        var second = CaptureSourceText.Decide(Haaretz, VersionOf(first), Article, edited, Now, null)!;
        Assert.Equal(2, second.Version);
        Assert.False(second.Trivial);
    }

    [Theory]
    [InlineData("crlf")]
    [InlineData("trailing spaces")]
    [InlineData("extra blank line")]
    [InlineData("date line")]
    [InlineData("date line removed")]
    public void a_change_of_whitespace_or_of_the_date_line_only_is_trivial(string change)
    {
        var changed = change switch
        {
            "crlf" => Article.Replace("\n", "\r\n"),
            "trailing spaces" => Article.Replace(".\n", ".  \n"),
            "extra blank line" => Article.Replace("\n\n", "\n\n\n"),
            "date line" => Article.Replace(" date 2016-12-29 ", " date 2016-12-30 "),
            _ => Article.Replace(" date 2016-12-29 ", ""),
        };
        Assert.NotEqual(Article, changed);
        Assert.True(ArticleText.IsTrivialChange(Article, changed));
    }

    [Fact]
    public void joining_two_words_or_changing_punctuation_is_not_trivial()
    {
        Assert.False(ArticleText.IsTrivialChange(Article, Article.Replace("U.S. President", "U.S.President")));
        Assert.False(ArticleText.IsTrivialChange(Article, Article.Replace("Thursday.", "Thursday!")));
    }

    [Theory]
    [InlineData(" date 2016-12-29 Body", "2016-12-29")]
    [InlineData("date 2016-12-29\n\nBody", "2016-12-29")]
    [InlineData("\uFEFF date 2016-12-29 Body", "2016-12-29")]
    [InlineData("Body without a date line", null)]
    [InlineData("date night in Washington", null)]
    public void the_article_date_comes_from_the_date_line_when_there_is_one(string text, string? date)
    {
        Assert.Equal(date is null ? null : DateOnly.Parse(date), ArticleText.ArticleDate(text));
        Assert.Null(ArticleText.Problem(Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData(new byte[0], "must not be empty")]
    [InlineData(new byte[] { 0x20, 0x0a, 0x09 }, "must not be blank")]
    [InlineData(new byte[] { 0x41, 0x0a, 0x42, 0x00, 0x43 }, "NUL byte at byte 3 (line 2)")]
    [InlineData(new byte[] { 0x41, 0xc3, 0x28 }, "not valid UTF-8 at byte 1 (line 1)")]
    [InlineData(new byte[] { 0x41, 0xff }, "not valid UTF-8 at byte 1")]
    public void empty_blank_or_binary_bytes_are_not_a_text(byte[] bytes, string problem) =>
        Assert.Contains(problem, ArticleText.Problem(bytes));

    [Fact]
    public void a_malformed_date_line_or_a_text_over_2_MB_is_refused()
    {
        Assert.Contains("line 1", ArticleText.Problem(Encoding.UTF8.GetBytes(" date 2016-13-45 Body")));
        Assert.Contains("at most", ArticleText.Problem(new byte[ArticleText.MaxBytes + 1].Select(_ => (byte)'a').ToArray()));
        Assert.Null(ArticleText.Problem(new byte[ArticleText.MaxBytes].Select(_ => (byte)'a').ToArray()));
    }

    [Fact]
    public void decoding_and_encoding_gives_back_the_same_bytes_bom_and_crlf_included()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(" date 2016-12-29 Russia\u2019s move.  \r\n\r\n")];
        Assert.Null(ArticleText.Problem(bytes));
        Assert.Equal(bytes, ArticleText.Encode(ArticleText.Decode(bytes)));
        Assert.Equal(new DateOnly(2016, 12, 29), ArticleText.ArticleDate(ArticleText.Decode(bytes)));
    }

    [Fact]
    public void a_capture_changes_no_displayed_field_of_the_item_but_is_a_revision()
    {
        var item = NewsItem.Create(new NewsItemCreated(Guid.NewGuid(), new DateOnly(2016, 12, 29), "Headline ", "Summary", [Haaretz],
            null, null, [], "headline", "en", Now.AddDays(-1)));
        var after = item.Apply(CaptureSourceText.Decide(Haaretz, null, null, Article, Now, null)!);
        Assert.Equal(item with { Revision = 2, EditedAt = Now }, after);
    }
}
