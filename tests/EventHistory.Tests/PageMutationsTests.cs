using System.Security.Cryptography;
using System.Text;
using EventHistory.Testing;

namespace EventHistory.Tests;

public sealed class PageMutationsTests
{
    private static readonly Dictionary<string, byte[]> Originals = PageMutations.CorpusPages.ToDictionary(p => p.Path, p => p.Bytes);

    private static string Fingerprint(IEnumerable<MutatedPage> pages) =>
        Convert.ToHexString(SHA256.HashData(pages.SelectMany(p => Encoding.UTF8.GetBytes($"{p.Source}|{p.Mutation}|{p.Description}|").Concat(SHA256.HashData(p.Bytes))).ToArray()));

    private static IEnumerable<MutatedPage> Of(Mutation kind, int count = 60) =>
        PageMutations.Generate(count * Enum.GetValues<Mutation>().Length).Where(p => p.Mutation == kind);

    private static string[] LinesOf(byte[] bytes) => Encoding.UTF8.GetString(bytes).Split('\n');

    [Fact]
    public void the_corpus_gives_every_item_page_of_both_editions_and_no_day_page()
    {
        Assert.InRange(PageMutations.CorpusPages.Count, 1_500, 2_000);
        Assert.Contains(PageMutations.CorpusPages, p => p.Path.StartsWith("en/news/", StringComparison.Ordinal));
        Assert.Contains(PageMutations.CorpusPages, p => p.Path.StartsWith("zh/news/", StringComparison.Ordinal));
        Assert.DoesNotContain(PageMutations.CorpusPages, p => p.Path.EndsWith("/index.md", StringComparison.Ordinal));
    }

    [Fact]
    public void the_same_seed_gives_the_same_pages_byte_for_byte_and_another_seed_others()
    {
        Assert.Equal(Fingerprint(PageMutations.Generate(300)), Fingerprint(PageMutations.Generate(300)));
        Assert.NotEqual(Fingerprint(PageMutations.Generate(300)), Fingerprint(PageMutations.Generate(300, seed: 7)));
        var page = PageMutations.Generate(500).ElementAt(250);
        Assert.Equal(250, page.Index);
        Assert.Equal(Fingerprint([page]), Fingerprint([PageMutations.Generate(251).Last()]));
    }

    [Fact]
    public void ten_thousand_pages_all_differ_from_their_source_and_cover_every_mutation_and_many_pages()
    {
        var kinds = new Dictionary<Mutation, int>();
        var sources = new HashSet<string>();
        var count = 0;
        foreach (var page in PageMutations.Generate(10_000))
        {
            Assert.False(page.Bytes.AsSpan().SequenceEqual(Originals[page.Source]), page.ToString());
            kinds[page.Mutation] = kinds.GetValueOrDefault(page.Mutation) + 1;
            sources.Add(page.Source);
            count++;
        }
        Assert.Equal(10_000, count);
        Assert.All(Enum.GetValues<Mutation>(), k => Assert.True(kinds.GetValueOrDefault(k) >= 800, $"{k}: {kinds.GetValueOrDefault(k)}"));
        Assert.True(sources.Count > 1_000, $"only {sources.Count} distinct pages");
    }

    [Fact]
    public void a_truncated_page_is_a_proper_prefix_of_its_source()
    {
        foreach (var page in Of(Mutation.Truncated))
        {
            var original = Originals[page.Source];
            Assert.True(page.Bytes.Length < original.Length);
            Assert.True(original.AsSpan().StartsWith(page.Bytes), page.ToString());
        }
    }

    [Fact]
    public void flipped_bytes_keep_the_length_and_change_one_to_eight_bytes()
    {
        foreach (var page in Of(Mutation.FlippedBytes))
        {
            var original = Originals[page.Source];
            Assert.Equal(original.Length, page.Bytes.Length);
            Assert.InRange(original.Zip(page.Bytes).Count(p => p.First != p.Second), 1, 8);
        }
    }

    [Fact]
    public void shuffled_lines_are_the_same_lines_in_another_order()
    {
        foreach (var page in Of(Mutation.ShuffledLines))
        {
            var original = LinesOf(Originals[page.Source]);
            var shuffled = LinesOf(page.Bytes);
            if (page.Description.StartsWith("unchanged", StringComparison.Ordinal)) continue;
            Assert.Equal(original.Order(StringComparer.Ordinal), shuffled.Order(StringComparer.Ordinal));
            Assert.NotEqual(original, shuffled);
        }
    }

    [Fact]
    public void huge_lines_are_at_least_half_a_mebibyte()
    {
        foreach (var page in Of(Mutation.HugeLine).Concat(Of(Mutation.HugeHeadline)))
            Assert.Contains(LinesOf(page.Bytes), l => l.Length >= PageMutations.HugeLineLength / 2);
    }

    [Fact]
    public void invalid_utf8_pages_fail_strict_decoding_and_control_character_pages_contain_one()
    {
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        foreach (var page in Of(Mutation.InvalidUtf8))
            Assert.ThrowsAny<ArgumentException>(() => strict.GetString(page.Bytes));
        foreach (var page in Of(Mutation.ControlCharacters))
            Assert.Contains(Encoding.UTF8.GetString(page.Bytes), c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));
    }
}
