using EventHistory.NewsItems;

namespace EventHistory.Tests;

public sealed class SlugTests
{
    [Theory]
    [InlineData("Russian President Vladimir Putin expels 755 U.S. diplomats in response to new sanctions imposed by the United States. ",
        "russian-president-vladimir-putin-expels-755-u-s-diplomats-in-response-to-new-sanctions-imposed-by-the-united-states")]
    [InlineData("The United States State Department orders Russia to close the Consulate-General in San Francisco and two other buildings by September 2, 2017, invoking \"parity\" over a Russian measure in July. ",
        "the-united-states-state-department-orders-russia-to-close-the-consulate-general-in-san-francisco-and-two-other-buildings-by-september-2-201")]
    [InlineData("Café “déjà vu” in Zürich", "cafe-deja-vu-in-zurich")]
    public void the_english_rule_cuts_at_140_bytes_and_keeps_ascii_letters_and_digits(string headline, string slug) =>
        Assert.Equal(slug, Slugs.English(headline));

    [Fact]
    public void a_cut_never_splits_a_character()
    {
        var text = new string('a', 139) + "–b";
        Assert.Equal(new string('a', 139), Slugs.CutUtf8(text, 140));
    }

    [Fact]
    public void the_chinese_rule_keeps_cjk_and_case_and_drops_dots_inside_numbers() =>
        Assert.Equal("印尼發生78級地震-NASA稱", Slugs.Chinese("印尼發生7.8級地震，NASA稱。"));
}
