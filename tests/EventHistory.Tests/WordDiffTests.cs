using EventHistory.Diffs;

namespace EventHistory.Tests;

public sealed class WordDiffTests
{
    private static string Old(IEnumerable<DiffSegment> d) => string.Concat(d.Where(s => s.Kind != DiffKind.Insert).Select(s => s.Text));
    private static string New(IEnumerable<DiffSegment> d) => string.Concat(d.Where(s => s.Kind != DiffKind.Delete).Select(s => s.Text));

    [Fact]
    public void a_replaced_phrase_is_one_deletion_and_one_insertion_between_equal_text()
    {
        const string before = "Putin expels 755 United States diplomats in response to new sanctions imposed by the United States. ";
        const string after = "Putin expels 755 U.S. diplomats in response to new sanctions imposed by the United States. ";
        var diff = WordDiff.Compare(before, after);

        Assert.Equal(DiffKind.Equal, diff[0].Kind);
        Assert.Contains(diff, s => s.Kind == DiffKind.Delete && s.Text.Contains("United States") && !s.Text.Contains("diplomats"));
        Assert.Contains(diff, s => s.Kind == DiffKind.Insert && s.Text.Contains("U.S."));
        Assert.Equal(before, Old(diff));
        Assert.Equal(after, New(diff));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("", "all new")]
    [InlineData("all gone", "")]
    [InlineData("same", "same")]
    [InlineData("a b c d e f", "a c e g")]
    [InlineData("The fox  jumps.", "The quick fox jumps!\n")]
    public void the_segments_always_rebuild_both_texts(string before, string after)
    {
        var diff = WordDiff.Compare(before, after);
        Assert.Equal(before, Old(diff));
        Assert.Equal(after, New(diff));
        Assert.Equal(before != after, WordDiff.HasChanges(diff));
    }

    [Fact]
    public void unrelated_long_texts_still_rebuild_both_sides()
    {
        var random = new Random(7);
        string Words(int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => random.Next(100_000).ToString()));
        var (before, after) = (Words(3000), Words(3000));
        var diff = WordDiff.Compare(before, after);
        Assert.Equal(before, Old(diff));
        Assert.Equal(after, New(diff));
    }
}
