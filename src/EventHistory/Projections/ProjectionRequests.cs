using EventHistory.Infrastructure;
using FluentValidation;
using EventHistory.EventStore.Daemon;
using MediatR;
using Npgsql;

namespace EventHistory.Projections;

/// The status of every projection. The inline one is never behind: it commits with the events.
public static class GetProjectionStatus
{
    public sealed record Query : IRequest<IReadOnlyList<ProjectionStatus>>;

    public sealed class Handler(NpgsqlDataSource db, ProjectionCatalog catalog) : IRequestHandler<Query, IReadOnlyList<ProjectionStatus>>
    {
        public async Task<IReadOnlyList<ProjectionStatus>> Handle(Query q, CancellationToken ct)
        {
            var inline = new ProjectionStatus(ProjectionCatalog.NewsItems, "inline", "", 0, null, 0, 0, "inline");
            return [inline, .. await ProjectionStatusReader.ReadAsync(db, catalog.Async.Select(p => p.Name), ct)];
        }
    }
}

/// Replays every event into one projection; see ProjectionCatalog for how each kind is rebuilt.
public static class RebuildProjection
{
    public sealed record Command(string Name, IProgress<RebuildProgress>? Progress = null) : IRequest<Result>;

    public sealed record Result(string Name, long Events);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Name).NotEmpty().MaximumLength(Rules.MaxName).PlainText();
    }

    public sealed class Handler(ProjectionCatalog catalog) : IRequestHandler<Command, Result>
    {
        public async Task<Result> Handle(Command c, CancellationToken ct) =>
            new(c.Name, await catalog.RebuildAsync(c.Name, c.Progress, ct));
    }
}
