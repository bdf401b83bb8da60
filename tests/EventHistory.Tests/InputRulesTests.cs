using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using FluentValidation;
using MediatR;

namespace EventHistory.Tests;

public sealed class InputRulesTests
{
    private sealed record Probe(string Text, string? Optional, string Url, DateOnly Date, string Path, long Revision);

    private sealed class ProbeValidator : AbstractValidator<Probe>
    {
        public ProbeValidator()
        {
            RuleFor(p => p.Text).Headline();
            RuleFor(p => p.Optional).Reason();
            RuleFor(p => p.Url).HttpUrl();
            RuleFor(p => p.Date).NewsDate();
            RuleFor(p => p.Path).ItemPath();
            RuleFor(p => p.Revision).RevisionNumber();
        }
    }

    private static readonly Probe Good = new("A headline ", null, "https://example.org/a?b=c", new DateOnly(2018, 1, 10), "/news/2018/01/10/a.md", 1);

    private static string[] FailuresOf(Probe probe) =>
        new ProbeValidator().Validate(probe).Errors.Select(e => e.PropertyName).Distinct().ToArray();

    [Fact]
    public void a_good_probe_passes() => Assert.Empty(FailuresOf(Good));

    [Theory]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    [InlineData("escape \u001b[2J")]
    [InlineData("next line \u0085")]
    public void control_characters_are_not_plain_text(string text)
    {
        Assert.False(Rules.IsPlainText(text));
        Assert.Equal(["Text"], FailuresOf(Good with { Text = text }));
    }

    /// Built in code: attribute arguments cannot carry half a surrogate pair.
    [Fact]
    public void broken_surrogate_pairs_are_not_plain_text()
    {
        foreach (var text in new[] { "half a pair " + (char)0xD83D, "reversed pair " + (char)0xDC00 + (char)0xD83D, (char)0xDE00 + " alone" })
        {
            Assert.False(Rules.IsPlainText(text));
            Assert.Equal(["Text"], FailuresOf(Good with { Text = text }));
        }
    }

    [Fact]
    public void multiline_text_allows_line_breaks_and_tabs_only()
    {
        Assert.True(Rules.IsPlainText("one\r\ntwo\tthree", multiline: true));
        Assert.False(Rules.IsPlainText("one\0two", multiline: true));
        Assert.True(Rules.IsPlainText("emoji \ud83d\ude00 and 中文"));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,hi")]
    [InlineData("ftp://example.org/")]
    [InlineData("//example.org/x")]
    [InlineData("http://")]
    [InlineData("https://example.org/\u0000")]
    public void only_absolute_http_urls_pass(string url) => Assert.Equal(["Url"], FailuresOf(Good with { Url = url }));

    [Fact]
    public void lengths_and_bounds_are_enforced()
    {
        Assert.Equal(["Text"], FailuresOf(Good with { Text = new string('h', Rules.MaxHeadline + 1) }));
        Assert.Equal(["Optional"], FailuresOf(Good with { Optional = new string('r', Rules.MaxReason + 1) }));
        Assert.Equal(["Url"], FailuresOf(Good with { Url = "https://example.org/" + new string('u', Rules.MaxUrl) }));
        Assert.Equal(["Date"], FailuresOf(Good with { Date = new DateOnly(1899, 12, 31) }));
        Assert.Equal(["Date"], FailuresOf(Good with { Date = DateOnly.FromDateTime(DateTime.UtcNow.AddYears(2)) }));
        Assert.Equal(["Path"], FailuresOf(Good with { Path = "/news/../../etc/passwd" }));
        Assert.Equal(["Revision"], FailuresOf(Good with { Revision = 0 }));
    }

    /// A command without a validator would take any input at all; every command must have one.
    [Fact]
    public void every_command_has_a_validator()
    {
        var assembly = typeof(Rules).Assembly;
        var commands = assembly.GetTypes()
            .Where(t => t.Name == "Command" && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRequest<>)))
            .ToList();
        Assert.Contains(typeof(ReviseHeadline.Command), commands);
        var validated = assembly.GetTypes()
            .SelectMany(t => t.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>))
            .Select(i => i.GetGenericArguments()[0])
            .ToHashSet();
        Assert.Empty(commands.Where(c => !validated.Contains(c)).Select(c => c.FullName));
    }
}
