using System.CommandLine;
using EventHistory.EventStore;
using EventHistory.NewsItems;
using Spectre.Console;

namespace EventHistory.Cli.Commands;

/// audit [ITEM] [--editor NAME] [--since T] [--until T] [--type T] [--after CURSOR] [--limit N]:
/// the change feed, oldest first; since/until are on the store's clock. --editor is the key
/// holder's name exactly as `keys list` shows it (no prefix or case-insensitive match: the audit
/// trail names keys, and a prefix would mix two holders' changes).
public static class AuditCommand
{
    public static Command Create(CliSession session)
    {
        var item = new Argument<string?>("ITEM") { Description = "only this item's changes (an id or a path)", Arity = ArgumentArity.ZeroOrOne };
        var editor = CliOptions.Text("--editor", "only the changes made with the key named NAME, matched exactly (see keys list)", "NAME");
        var since = CliOptions.Time("--since", "only changes recorded at or after TIME (the store's clock)");
        var until = CliOptions.Time("--until", "only changes recorded before TIME (the store's clock)");
        var type = CliOptions.Text("--type", "only events of this type (headline_revised, news_item_created, ...)", "TYPE");
        var after = new Option<GlobalPosition?>("--after")
        {
            Description = "go on after this cursor (the one a 'more:' line gives)",
            HelpName = "CURSOR",
            CustomParser = r =>
            {
                if (GlobalPosition.TryParse(r.Tokens[0].Value, out var at)) return at;
                r.AddError($"--after takes a cursor such as 1234.56, not '{r.Tokens[0].Value}'");
                return null;
            },
        };
        var limit = CliOptions.Number("--limit", "at most N changes (default 100)");
        var command = new Command("audit", "the change feed: who changed what, when and why") { item, editor, since, until, type, after, limit };
        session.Runs(command, async c =>
        {
            var page = await c.Mediator.Send(new GetChanges.Query(c.Get(after) ?? GlobalPosition.Start,
                await ItemReference.ResolveOptionalAsync(c.Mediator, c.Get(item)), c.Get(editor),
                c.Get(since), c.Get(until), c.Get(type), (int)Math.Min(c.Get(limit) ?? 100, int.MaxValue)));
            var table = Tables.Create(c, "recorded (UTC)", "edited (UTC)", "editor", "change", "rev", "item / headline");
            table.Columns[4].RightAligned();
            foreach (var e in page.Entries)
                table.Row($"{e.RecordedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}", $"{e.EditedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}", e.Editor ?? "-",
                    e.EventType, $"{e.Revision}", $"{e.ItemId} {e.Headline.Trim()}" + (e.Reason is { Length: > 0 } why ? $"\nwhy: {why}" : ""));
            Tables.Write(c, table);
            if (page.HasMore) c.Output.WriteLine($"more: {MoreCommand(c.Parse, page.Next)}");
            if (page.Entries.Count == 0 && c.Get(editor) is { } name)
                c.Error.WriteLine($"no changes by an editor named exactly '{name}' (with these filters); `eventhistory keys list` names the keys");
            return 0;
        });
        return command;
    }

    /// The same command with the same filters, going on after <paramref name="next"/>: ready to paste.
    private static string MoreCommand(ParseResult parse, string next)
    {
        var words = new List<string> { "eventhistory", "audit" };
        foreach (var token in parse.CommandResult.Children)
        {
            if (token is System.CommandLine.Parsing.OptionResult { Option.Name: not "--after" } o && !o.Implicit)
                words.AddRange([o.IdentifierToken?.Value ?? o.Option.Name, .. o.Tokens.Select(t => t.Value)]);
            else if (token is System.CommandLine.Parsing.ArgumentResult a)
                words.AddRange(a.Tokens.Select(t => t.Value));
        }
        words.AddRange(["--after", next]);
        return string.Join(' ', words.Select(Shell.Quote));
    }
}
