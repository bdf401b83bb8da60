using Spectre.Console;

namespace EventHistory.Cli;

/// How far a long command (import, import-git, rebuild) is: Spectre's progress bar on stderr when
/// it is a terminal; otherwise the command's own plain report (tests and scripts read stderr).
public static class ProgressDisplay
{
    /// <paramref name="work"/> reports (done, total, description) through the action it is given.
    public static async Task<T> RunAsync<T>(CommandContext c, string label,
        Func<Action<double, double, string>, Task<T>> work, Action<double, double, string>? plain = null)
    {
        if (!c.ErrorIsTerminal) return await work(plain ?? ((_, _, _) => { }));
        T result = default!;
        await Tables.Console(c.Error, c.ColourOn(terminal: true), terminal: true).Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(label));
                result = await work((done, total, description) =>
                {
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = done;
                    task.Description = Markup.Escape(description);
                });
                task.Value = task.MaxValue;
            });
        return result;
    }
}
