using EventHistory.EventStore;
using EventHistory.Infrastructure;
using MediatR;

namespace EventHistory.Audit;

/// Checks the hash chain of every stream, or of one item's, against what is stored now.
public static class VerifyHistory
{
    public sealed record Query(Guid? ItemId = null) : IRequest<ChainReport>;

    public sealed class Handler(EventStore.EventStore store) : IRequestHandler<Query, ChainReport>
    {
        public async Task<ChainReport> Handle(Query q, CancellationToken ct)
        {
            var report = await store.VerifyAsync(q.ItemId, ct);
            if (q.ItemId is { } id && report.Streams == 0 && report.Events == 0) throw new NotFoundException($"News item {id}");
            return report;
        }
    }
}
