namespace EventHistory.Bench.Measures;

/// Measure 6: rebuilding the async projections. Needs the projection daemon (branch store).
public static class Rebuild
{
    public static Task<IReadOnlyList<Measure>> RunAsync(Options o) =>
        Task.FromResult<IReadOnlyList<Measure>>(
        [
            Measure.NotMeasured($"6 rebuild async projections from {o.RebuildEvents:N0} events", "events/s", ">= 0.5",
                "the async projection daemon and rebuild are not on main yet"),
        ]);
}
