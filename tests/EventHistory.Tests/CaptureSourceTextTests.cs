using EventHistory.Articles;
using EventHistory.EventStore;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using EventHistory.Testing;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Tests;

/// Capturing through MediatR against real PostgreSQL: versions, races and the stored event.
public sealed class CaptureSourceTextTests : DomainTestBase
{
    private static readonly Source Haaretz = new("Haaretz", "http://www.haaretz.com/us-news/1.762145");
    private static byte[] Article => File.ReadAllBytes(Corpus.PathOf("articles/haaretz.com_us-news_1.762145.txt"));

    private async Task<Guid> CreateItemAsync() => (await MediatorFor("ann").Send(new CreateNewsItem.Command(
        new DateOnly(2016, 12, 29), "The United States expels 35 Russian diplomats. ", "Summary.", [Haaretz]))).ItemId;

    [Fact]
    public async Task the_capture_is_an_event_of_the_items_stream_holding_the_exact_text()
    {
        var id = await CreateItemAsync();
        var captured = await MediatorFor("bob").Send(new CaptureSourceText.Command(id, "1", Article, Reason: "archived"));

        Assert.True(captured.Created);
        Assert.Equal((1, 2L, "bob"), (captured.Text.Version, captured.Text.Revision, captured.Text.Editor));
        var events = await Services.GetRequiredService<EventStore.EventStore>().ReadStreamAsync(id);
        var e = Assert.IsType<SourceTextCaptured>(events[^1].Data);
        Assert.Equal(Article, ArticleText.Encode(e.Text));
        Assert.Equal("source_text_captured", events[^1].Type);
        Assert.Equal("bob", events[^1].UserName);
        var history = await MediatorFor("x").Send(new GetHistory.Query(id));
        Assert.Equal("archived", history[^1].Reason);
    }

    [Fact]
    public async Task concurrent_captures_of_different_texts_get_distinct_consecutive_versions()
    {
        var id = await CreateItemAsync();
        var texts = Enumerable.Range(1, 6).Select(i => System.Text.Encoding.UTF8.GetBytes($" date 2016-12-29 Edit number {i}.")).ToList();
        var results = await Task.WhenAll(texts.Select(t => Task.Run(async () =>
        {
            try { return await MediatorFor("bob").Send(new CaptureSourceText.Command(id, Haaretz.Url, t)); }
            catch (ConcurrencyException) { return null; }
        })));

        var done = results.Where(r => r is not null).Select(r => r!.Text).ToList();
        Assert.NotEmpty(done);
        var listing = await MediatorFor("x").Send(new ListSourceTexts.Query(id, "1"));
        Assert.Equal(Enumerable.Range(1, listing.Versions.Count), listing.Versions.Select(v => v.Version));
        Assert.Equal(done.Count, listing.Versions.Count);
        Assert.Equal(listing.Versions.Count + 1L, await Db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task a_source_the_item_does_not_have_is_not_found_and_writes_nothing()
    {
        var id = await CreateItemAsync();
        await Assert.ThrowsAsync<NotFoundException>(() => MediatorFor("bob").Send(new CaptureSourceText.Command(id, "2", Article)));
        await Assert.ThrowsAsync<NotFoundException>(() => MediatorFor("bob").Send(new CaptureSourceText.Command(id, "http://example.org/x", Article)));
        var e = await Assert.ThrowsAsync<ValidationException>(() => MediatorFor("bob").Send(new CaptureSourceText.Command(id, "1", [0x41, 0x00])));
        Assert.Contains(e.Errors, f => f.PropertyName == "Text");
        Assert.Equal(1L, await Db.ScalarAsync("select count(*) from mt_events"));
        Assert.Equal(0L, await Db.ScalarAsync("select count(*) from eh_source_texts"));
    }

    [Fact]
    public async Task a_capture_without_an_authenticated_editor_is_rejected()
    {
        var id = await CreateItemAsync();
        await Assert.ThrowsAsync<EditRejectedException>(() => MediatorFor(null!).Send(new CaptureSourceText.Command(id, "1", Article)));
        Assert.Equal(0L, await Db.ScalarAsync("select count(*) from eh_source_texts"));
    }
}
