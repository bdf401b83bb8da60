using System.CommandLine;
using EventHistory.NewsItems;
using Spectre.Console;

namespace EventHistory.Cli.Commands;

/// history ITEM: its revisions, one table row each (the reason under the headline).
public static class HistoryCommand
{
    public static Command Create(CliSession session)
    {
        var item = CliOptions.Item();
        var command = new Command("history", "its revisions: first version, updates, current version, who made them and why") { item };
        session.Runs(command, async c =>
        {
            var id = await ItemReference.ResolveAsync(c.Mediator, c.Get(item));
            var table = Tables.Create(c, "rev", "kind", "edited (UTC)", "editor", "headline");
            table.Columns[0].RightAligned();
            foreach (var e in await c.Mediator.Send(new GetHistory.Query(id)))
                table.Row($"{e.Revision}", e.Current ? $"{e.Kind} (current)" : e.Kind, $"{e.EditedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}", e.Editor ?? "-",
                    e.Headline.Trim() + (e.Reason is { Length: > 0 } reason ? $"\nwhy: {reason}" : ""));
            Tables.Write(c, table);
            return 0;
        });
        return command;
    }
}
