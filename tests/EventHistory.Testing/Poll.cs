using System.Diagnostics;

namespace EventHistory.Testing;

/// Waits for something another process or thread brings about (a daemon's progress, a server back
/// up), asking again every 50 ms: a condition, not a sleep, so a busy machine only makes it wait
/// longer. Gives up with a TimeoutException naming what it waited for.
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit) throw new TimeoutException($"Gave up after {limit.TotalSeconds:F0} s waiting for {what}.");
            await Task.Delay(50);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan limit, string what) =>
        UntilAsync(() => Task.FromResult(condition()), limit, what);
}
