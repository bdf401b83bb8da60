using System.CommandLine;
using EventHistory.NewsItems;
using MediatR;

namespace EventHistory.Cli.Commands;

/// The edit commands, acting as the holder of EVENTHISTORY_KEY; each takes --reason,
/// --if-match N (the revision the edit expects) and --idempotency-key K.
public static class EditCommands
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>
        { "revise", "revise-headline", "revise-summary", "topic", "add-source", "remove-source", "link", "unlink", "revert", "retract", "restore" };

    /// The options every edit takes.
    private sealed class EditOptions
    {
        public readonly Option<string?> Reason = CliOptions.Text("--reason", "why, kept in the history");
        public readonly Option<long?> IfMatch = CliOptions.Number("--if-match", "refuse the edit unless the item is at revision N");
        public readonly Option<string?> IdempotencyKey = WriteCommands.IdempotencyKey();
    }

    private delegate IRequest<EditResult> Request(CommandContext c, Guid item, string? reason, long? expected);

    /// Cli checks the caller's role first: retract and restore need an admin, the other edits an editor.
    public static IEnumerable<Command> Create(CliSession session)
    {
        var text = () => new Argument<string>("TEXT");
        var headlineText = text();
        yield return Edit(session, "revise-headline", "a new headline", [headlineText],
            (c, id, reason, expected) => new ReviseHeadline.Command(id, c.Get(headlineText), reason, expected));
        var summaryText = text();
        yield return Edit(session, "revise-summary", "a new summary", [summaryText],
            (c, id, reason, expected) => new ReviseSummary.Command(id, c.Get(summaryText), reason, expected));
        var topic = new Argument<string?>("TEXT") { Description = "the topic; none clears it", Arity = ArgumentArity.ZeroOrOne };
        yield return Edit(session, "topic", "sets or clears the item's topic", [topic],
            (c, id, reason, expected) => new ChangeTopic.Command(id, c.Get(topic), reason, expected));
        var (sourceName, sourceUrl) = (new Argument<string>("NAME"), new Argument<string>("URL"));
        yield return Edit(session, "add-source", "adds a source", [sourceName, sourceUrl],
            (c, id, reason, expected) => new AddSource.Command(id, c.Get(sourceName), c.Get(sourceUrl), reason, expected));
        var removedUrl = new Argument<string>("URL");
        yield return Edit(session, "remove-source", "removes the source with this URL", [removedUrl],
            (c, id, reason, expected) => new RemoveSource.Command(id, c.Get(removedUrl), reason, expected));
        var (linked, context, linkHeadline) = (new Argument<string>("PATH"), CliOptions.Text("--context", "why they are related"),
            CliOptions.Text("--headline", "the related item's headline as shown"));
        yield return Edit(session, "link", "links a related item", [linked, context, linkHeadline],
            (c, id, reason, expected) => new LinkRelatedItem.Command(id, c.Get(linked), c.Get(context), c.Get(linkHeadline), reason, expected));
        var unlinked = new Argument<string>("PATH");
        yield return Edit(session, "unlink", "unlinks a related item", [unlinked],
            (c, id, reason, expected) => new UnlinkRelatedItem.Command(id, c.Get(unlinked), reason, expected));
        var revision = CliOptions.NumberArgument("N", "the revision whose content comes back");
        yield return Edit(session, "revert", "a new revision with revision N's content", [revision],
            (c, id, reason, expected) => new RevertToRevision.Command(id, c.Get(revision), reason, expected));
        yield return Edit(session, "retract", "marks the item retracted (admin; needs --reason)", [],
            (_, id, reason, expected) => new RetractNewsItem.Command(id, reason, expected));
        yield return Edit(session, "restore", "takes a retraction back (admin; needs --reason)", [],
            (_, id, reason, expected) => new RestoreNewsItem.Command(id, reason, expected));

        // revise ITEM --headline H [--expected N]: revise-headline with the headline as an option.
        var headline = new Option<string>("--headline") { Description = "the new headline", Required = true, HelpName = "TEXT" };
        var expectedRevision = CliOptions.Number("--expected", "the same as --if-match");
        yield return Edit(session, "revise", "the same as revise-headline, the headline given with --headline", [headline, expectedRevision],
            (c, id, reason, expected) => new ReviseHeadline.Command(id, c.Get(headline), reason, expected ?? c.Get(expectedRevision)));
    }

    private static Command Edit(CliSession session, string name, string description, Symbol[] symbols, Request request)
    {
        var item = CliOptions.Item();
        var edit = new EditOptions();
        var command = new Command(name, description) { item };
        foreach (var symbol in symbols)
        {
            if (symbol is Argument argument) command.Arguments.Add(argument);
            else command.Options.Add((Option)symbol);
        }
        command.Options.Add(edit.Reason);
        command.Options.Add(edit.IfMatch);
        command.Options.Add(edit.IdempotencyKey);
        session.Runs(command, async c =>
        {
            var id = await ItemReference.ResolveAsync(c.Mediator, c.Get(item));
            return await WriteCommands.SendAsync(c, request(c, id, c.Get(edit.Reason), c.Get(edit.IfMatch)), c.Get(edit.IdempotencyKey));
        });
        return command;
    }
}
