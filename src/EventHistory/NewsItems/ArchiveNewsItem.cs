using FluentValidation;
using EventHistory.Infrastructure;
using MediatR;
using Npgsql;

namespace EventHistory.NewsItems;

/// Archives an item's stream: every event is kept, but default reads no longer show the item.
public static class ArchiveNewsItem
{
    public sealed record Command(Guid ItemId) : IRequest<Result>;

    public sealed record Result(Guid ItemId, bool Archived);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.ItemId).NotEmpty();
    }

    public sealed class Handler(EventStore.EventStore store, EditorContext editor) : IRequestHandler<Command, Result>
    {
        public async Task<Result> Handle(Command c, CancellationToken ct)
        {
            // Refused (StreamArchivedException) when archived already, checked under the stream's lock.
            if (!await store.ArchiveStreamAsync(c.ItemId, ct)) throw new NotFoundException($"News item {c.ItemId}");
            editor.ArchiveCheckedFor = c.ItemId;
            return new Result(c.ItemId, true);
        }
    }
}

/// Whether an item's stream is archived; null when there is no such item.
public static class IsArchived
{
    public sealed record Query(Guid ItemId) : IRequest<bool?>;

    public sealed class Handler(EventStore.EventStore store) : IRequestHandler<Query, bool?>
    {
        public Task<bool?> Handle(Query q, CancellationToken ct) => store.IsArchivedAsync(q.ItemId, ct);
    }
}
