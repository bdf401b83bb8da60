using EventHistory.Infrastructure;

namespace EventHistory.Cli.Commands;

public static class TimeOption
{
    public static DateTimeOffset? Parse(Arguments args, string name) =>
        args.Option(name) is not { } text ? null
        : IsoTime.TryParse(text, out var at) ? at
        : throw new UsageException($"--{name} takes an ISO 8601 time such as 2017-08-10T12:00:00Z, not '{text}'");
}
