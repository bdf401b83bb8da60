using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using MediatR;

namespace EventHistory.Cli.Commands;

/// The edit commands, acting as the holder of EVENTHISTORY_KEY; each takes --reason and
/// --if-match N (the revision the edit expects).
public static class EditCommands
{
    public const string Usage = """
          revise-headline ITEM TEXT | revise-summary ITEM TEXT | topic ITEM [TEXT]
          add-source ITEM NAME URL | remove-source ITEM URL
          link ITEM PATH [--context C] [--headline H] | unlink ITEM PATH
          revert ITEM N | retract ITEM --reason R | restore ITEM --reason R
                                       edits, each with [--reason R] [--if-match N] [--idempotency-key K]
        """;

    public static readonly IReadOnlySet<string> Names = new HashSet<string>
        { "revise", "revise-headline", "revise-summary", "topic", "add-source", "remove-source", "link", "unlink", "revert", "retract", "restore" };

    /// Cli checks the caller's role first: retract and restore need an admin, the other edits an editor.
    public static async Task<int> RunAsync(string name, CommandContext c, EditorContext editor)
    {
        var a = c.Args;
        var id = await ItemReference.ResolveAsync(c.Mediator, a.Required(0, "ITEM"));
        var reason = a.Option("reason");
        var expected = a.LongOption("if-match");
        IRequest<EditResult> command = name switch
        {
            "revise-headline" => new ReviseHeadline.Command(id, a.Required(1, "TEXT"), reason, expected),
            "revise" => new ReviseHeadline.Command(id, a.Option("headline") ?? throw new UsageException("revise needs --headline TEXT"),
                reason, expected ?? a.LongOption("expected")),
            "revise-summary" => new ReviseSummary.Command(id, a.Required(1, "TEXT"), reason, expected),
            "topic" => new ChangeTopic.Command(id, a.Positional.ElementAtOrDefault(1), reason, expected),
            "add-source" => new AddSource.Command(id, a.Required(1, "NAME"), a.Required(2, "URL"), reason, expected),
            "remove-source" => new RemoveSource.Command(id, a.Required(1, "URL"), reason, expected),
            "link" => new LinkRelatedItem.Command(id, a.Required(1, "PATH"), a.Option("context"), a.Option("headline"), reason, expected),
            "unlink" => new UnlinkRelatedItem.Command(id, a.Required(1, "PATH"), reason, expected),
            "revert" => new RevertToRevision.Command(id, long.TryParse(a.Required(1, "N"), out var n) ? n : throw new UsageException("revert takes a revision number"), reason, expected),
            "retract" => new RetractNewsItem.Command(id, reason, expected),
            "restore" => new RestoreNewsItem.Command(id, reason, expected),
            _ => throw new UsageException($"unknown command '{name}'"),
        };
        return await WriteCommands.SendAsync(c, editor, command);
    }
}
