using System.Text.Json;
using EventHistory.EventStore;
using EventHistory.NewsItems;
using EventHistory.Pages;

namespace EventHistory.Tests.Pages;

/// One real page per early zh layout (HistoryLayouts/README.md names each one's commit and path),
/// so a failure points at one layout; and the history-mode parse of pages no layout reads.
public sealed class HistoryLayoutFixtureTests
{
    private const string KoreaItem = "/zh/news/2009/11/10/南北韓海軍艦艇在有爭議的北方分界線地區駁火.md";
    private const string ITunesItem = "/zh/news/2003/04/28/苹果电脑的iTunes音乐商店开放-在首周卖出1000000首歌曲.md";

    private static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Pages", "HistoryLayouts", name + ".md"));

    [Theory]
    [InlineData("zh-2019-01-first.item", KoreaItem, PageLayouts.ZhFirst)]
    [InlineData("zh-2019-01-first.item-no-sections", ITunesItem, PageLayouts.ZhFirst)]
    [InlineData("zh-2019-01.item", KoreaItem, PageLayouts.Zh201901)]
    public void an_early_zh_item_page_reads_in_its_layout_and_renders_back_exactly(string fixture, string path, string layout)
    {
        var text = Fixture(fixture);
        var page = ItemPageParser.Parse(path, text);
        Assert.Equal(layout, page.Layout);
        Assert.Equal(text, ItemPageRenderer.Render(page));
        Assert.Null(page.Verbatim);
    }

    [Theory]
    [InlineData("zh-2019-01-first.day", "/zh/news/2009/11/10/index.md", PageLayouts.ZhFirst)]
    [InlineData("zh-2019-01-first.day-no-previous", "/zh/news/2003/04/9/index.md", PageLayouts.ZhFirst)]
    [InlineData("zh-2019-01.day", "/zh/news/2014/12/17/index.md", PageLayouts.Zh201901)]
    [InlineData("zh-2019-01.day-no-previous", "/zh/news/2018/12/28/index.md", PageLayouts.Zh201901)]
    public void an_early_zh_day_page_reads_in_its_layout_and_renders_back_exactly(string fixture, string path, string layout)
    {
        var text = Fixture(fixture);
        var page = DayPageFormat.Parse(path, text);
        Assert.Equal(layout, page.Layout);
        Assert.Equal(text, DayPageFormat.Render(page));
    }

    [Fact]
    public void an_early_zh_item_page_reads_into_its_parts()
    {
        var text = Fixture("zh-2019-01.item");
        var page = ItemPageParser.Parse(KoreaItem, text);
        var lines = text.Split('\n');
        Assert.Equal("南韓", page.Topic);
        Assert.Equal(lines[3][2..], page.Headline);
        Assert.Equal("", page.Summary);
        Assert.Equal(["聯合通訊社"], page.Sources.Select(s => s.Name));
        Assert.Equal(5, page.Related.Count);
        // The marker is the layout's, not the context's: the stored context starts after it.
        Assert.All(page.Related, r => Assert.False(r.Context.StartsWith('_')));
        Assert.EndsWith($") _上下文: {page.Related[0].Context}_", lines[14]);
        Assert.StartsWith("/news/", page.Related[0].Path);
        Assert.Empty(page.Changes);

        var first = ItemPageParser.Parse(KoreaItem, Fixture("zh-2019-01-first.item"));
        Assert.StartsWith("/zh/news/", first.Related[0].Path);
        Assert.Equal(page.Headline, first.Headline);
    }

    [Fact]
    public void an_early_zh_day_page_keeps_each_entrys_context_line_or_its_absence()
    {
        var page = DayPageFormat.Parse("/zh/news/2014/12/17/index.md", Fixture("zh-2019-01.day"));
        Assert.Equal(2, page.Entries.Count);
        Assert.Equal("", page.Entries[0].Topic);
        Assert.Null(page.Entries[0].Text);
        Assert.Equal("_上下文: 博科圣地, 喀麥隆_", page.Entries[1].Text);
        Assert.Equal("/news/2014/12/16/index.md", page.PreviousDay);

        var empty = DayPageFormat.Parse("/zh/news/2003/04/9/index.md", Fixture("zh-2019-01-first.day-no-previous"));
        Assert.Empty(empty.Entries);
        Assert.Null(empty.PreviousDay);
    }

    [Fact]
    public void a_final_zh_page_keeps_its_layout_name()
    {
        var path = "/zh/news/2019/03/19/index.md";
        Assert.Equal(PageLayouts.Zh, DayPageFormat.Parse(path, File.ReadAllText(EventHistory.Testing.Corpus.PathOf(path[1..]))).Layout);
    }

    [Fact]
    public void history_mode_parses_a_good_page_strictly()
    {
        var text = Fixture("zh-2019-01.item");
        var page = ItemPageParser.ParseHistory(KoreaItem, text);
        Assert.Equal(Json(ItemPageParser.Parse(KoreaItem, text)), Json(page));
        Assert.Null(page.Verbatim);
        Assert.Null(page.UnknownLine);

        var day = DayPageFormat.ParseHistory("/zh/news/2014/12/17/index.md", Fixture("zh-2019-01.day"));
        Assert.Equal(PageLayouts.Zh201901, day.Layout);
        Assert.Null(day.Verbatim);
    }

    [Fact]
    public void history_mode_keeps_a_damaged_item_page_verbatim_and_names_the_line()
    {
        var lines = Fixture("zh-2019-01.item").Split('\n');
        lines[8] = "### 消息来源:";
        var text = string.Join('\n', lines);

        var strict = Assert.Throws<PageFormatException>(() => ItemPageParser.Parse(KoreaItem, text));
        var page = ItemPageParser.ParseHistory(KoreaItem, text);
        Assert.Equal(text, page.Verbatim);
        Assert.Equal(text, ItemPageRenderer.Render(page));
        Assert.Equal(PageLayouts.Unknown, page.Layout);
        Assert.Equal(strict.Message, page.UnknownLine);
        Assert.StartsWith("line 9: ", page.UnknownLine);
        Assert.Equal(("zh", new DateOnly(2009, 11, 10)), (page.Edition, page.Date));
        Assert.Equal(KoreaItem, page.Path);
        Assert.Equal(lines[3][2..], page.Headline);
    }

    [Fact]
    public void history_mode_names_a_page_without_a_headline_by_its_slug()
    {
        var page = ItemPageParser.ParseHistory(ITunesItem, "no layout at all\n");
        Assert.Equal("苹果电脑的iTunes音乐商店开放-在首周卖出1000000首歌曲", page.Headline);
        Assert.Equal("line 1: expected the date line for 2003-04-28 (the page's folder)", page.UnknownLine);
        Assert.Equal("no layout at all\n", ItemPageRenderer.Render(page));
    }

    [Fact]
    public void history_mode_keeps_a_damaged_day_page_verbatim_and_names_the_line()
    {
        var path = "/zh/news/2014/12/17/index.md";
        var text = Fixture("zh-2019-01.day").Replace("## [前一天...]", "## 前一天");
        var page = DayPageFormat.ParseHistory(path, text);
        Assert.Equal(text, page.Verbatim);
        Assert.Equal(text, DayPageFormat.Render(page));
        Assert.Equal(PageLayouts.Unknown, page.Layout);
        Assert.StartsWith("line 9: ", page.UnknownLine);
        Assert.Equal(path, page.Path);
    }

    [Fact]
    public void history_mode_still_rejects_a_path_that_is_no_page()
    {
        Assert.Throws<PageFormatException>(() => ItemPageParser.ParseHistory("/zh/news/2019/13/1/x.md", "anything\n"));
        Assert.Throws<PageFormatException>(() => DayPageFormat.ParseHistory("/zh/news/2019/01/1/x.md", "anything\n"));
    }

    [Fact]
    public void a_verbatim_page_stores_its_text_and_line_in_json_and_reads_back_the_same()
    {
        var page = ItemPageParser.ParseHistory(ITunesItem, "no layout at all\n");
        var json = Json(page);
        Assert.Contains("\"verbatim\":\"no layout at all\\n\"", json);
        Assert.Contains("\"unknownLine\":", json);
        var read = JsonSerializer.Deserialize<ItemPage>(json, EventTypes.Json)!;
        Assert.Equal((page.Verbatim, page.UnknownLine), (read.Verbatim, read.UnknownLine));
        Assert.Equal(json, Json(read));

        var ordinary = Json(ItemPageParser.Parse(KoreaItem, Fixture("zh-2019-01.item")));
        Assert.DoesNotContain("verbatim", ordinary);
        Assert.DoesNotContain("unknownLine", ordinary);
    }

    private static string Json(ItemPage page) => JsonSerializer.Serialize(page, EventTypes.Json);
}
