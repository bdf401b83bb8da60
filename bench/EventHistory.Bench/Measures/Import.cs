namespace EventHistory.Bench.Measures;

/// Measure 3: bulk import of real corpus pages. Needs the page importer (branch pages).
public static class Import
{
    public static Task<IReadOnlyList<Measure>> RunAsync(Options o) =>
        Task.FromResult<IReadOnlyList<Measure>>(
        [
            Measure.NotMeasured($"3 bulk import of corpus pages, {o.ImportEvents:N0} events", "events/s", ">= 0.5",
                "the page importer (eventhistory import) is not on main yet"),
        ]);
}
