using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EventHistory.Bench;

/// The domain as the API composes it (AddEventHistory), in this process: requests go through
/// MediatR, validation and the handlers, one scope per request as the API does.
public sealed class Domain(ServiceProvider services) : IAsyncDisposable
{
    public static Domain For(NpgsqlDataSource db) =>
        new(new ServiceCollection().AddEventHistory(db).BuildServiceProvider());

    public T Get<T>() where T : notnull => services.GetRequiredService<T>();

    public async Task<T> SendAsync<T>(IRequest<T> request, string editor = "bench-editor")
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<EditorContext>().Editor = editor;
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    public Task<EditResult> CreateAsync(string headline) => SendAsync(new CreateNewsItem.Command(
        new DateOnly(2026, 11, 22), headline, "A summary of the item, as long as a sentence or two of the real ones.",
        [new Source("Bench", "https://example.org/a")]));

    /// An item with <paramref name="revisions"/> revisions: its first version, then summary revisions
    /// an hour apart, appended 500 to a transaction as the long-history tests build theirs.
    public async Task<Guid> CreateLongHistoryAsync(string headline, long revisions)
    {
        var item = (await CreateAsync(headline)).ItemId;
        const int perAppend = 500;
        var start = DateTimeOffset.UtcNow.AddHours(-revisions);
        for (long version = 1; version < revisions;)
        {
            var count = (int)Math.Min(perAppend, revisions - version);
            var events = Enumerable.Range(1, count)
                .Select(i => (object)new SummaryRevised($"Summary of revision {version + i}, a sentence of usual length.", start.AddHours(version + i), "bench"))
                .ToList();
            await Get<EventStore.EventStore>().AppendAsync(item, NewsItemEventTypes.StreamType, version, events, new EventStore.EventMetadata("bench-editor"));
            version += count;
        }
        return item;
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
