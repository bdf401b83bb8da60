using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using EventHistory.Access;
using EventHistory.Cli.Commands;

namespace EventHistory.Cli;

/// The `eventhistory` command line: the same MediatR requests as the API, another front door.
/// System.CommandLine parses, checks types, writes --help and "did you mean" and answers tab
/// completion ([suggest] directive); only a command's action reaches the database.
/// Exit codes: 0 done, 1 the request failed (not found, conflict, rejected), 2 bad usage.
public static class Cli
{
    /// The role a command needs, as the API's policies would ask; commands not listed only read.
    /// `keys` needs none: it is how the first admin key is made, by whoever reaches the database.
    public static Role? RoleNeeded(string command) => command switch
    {
        "retract" or "restore" or "archive" or "rebuild" => Role.Admin,
        "create" or "import" or "import-git" or "capture" => Role.Editor,
        _ when EditCommands.Names.Contains(command) => Role.Editor,
        _ => null,
    };

    /// <paramref name="apiKey"/> defaults to EVENTHISTORY_KEY; tests pass it, since the environment is process-wide.
    public static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, string? connectionString = null, string? apiKey = null)
    {
        var session = new CliSession(output, error,
            connectionString ?? Environment.GetEnvironmentVariable("EVENTHISTORY_DB"),
            apiKey ?? Environment.GetEnvironmentVariable("EVENTHISTORY_KEY"));
        // `eventhistory help [COMMAND]` as git and dotnet have it: the same as COMMAND --help.
        if (args is ["help", .. var rest]) args = [.. rest, "--help"];
        var parse = CommandTree(session).Parse(args);
        // A mistyped word gets its error and "did you mean"; the whole help only when nothing was typed.
        if (parse.Action is ParseErrorAction onError) onError.ShowHelp = args.Length == 0;
        if (parse.Action is HelpAction || parse.Errors.Count > 0)
        {
            // The usage line names the tool as it is called, not its dll (RootCommand takes the process's name).
            var help = new StringWriter();
            var shown = await parse.InvokeAsync(new InvocationConfiguration { Output = help, Error = error });
            var text = help.ToString().Replace($"  {RootCommand.ExecutableName} ", "  eventhistory ");
            if (parse.Errors.Count == 0)
            {
                output.Write(text);
                return shown;
            }
            // What a parse error adds (did you mean, the usage when nothing was typed) is a diagnostic: stderr.
            error.Write(text);
            if (args.Length > 0) error.WriteLine($"{("eventhistory " + UsagePath(parse.CommandResult.Command)).TrimEnd()} --help says more");
            // System.CommandLine answers a parse error with 1; ours is 2, kept apart from a refused request.
            return 2;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    /// Every command, built for one run: each action closes over the session of that run.
    public static RootCommand CommandTree(CliSession session)
    {
        var root = new RootCommand(
            "The version history of news items: read it, edit it, import and export the site's pages.\n" +
            "Reads the PostgreSQL connection string from EVENTHISTORY_DB; commands that write act as the\n" +
            "holder of the API key in EVENTHISTORY_KEY. Exit 0 done, 1 refused or failed, 2 bad usage.")
        {
            CliOptions.Color(),
        };
        Command[] commands =
        [
            ShowCommand.Create(session), HistoryCommand.Create(session), DiffCommand.Create(session), AuditCommand.Create(session),
            .. EditCommands.Create(session),
            CaptureCommand.Create(session), SourceTextsCommand.Create(session), SourceTextCommand.Create(session), SourceDiffCommand.Create(session),
            KeysCommand.Create(session), ImportCommand.Create(session), ImportGitCommand.Create(session), ExportCommand.Create(session),
            WriteCommands.Create(session),
            .. StoreCommands.Create(session),
        ];
        foreach (var command in commands) root.Subcommands.Add(command);
        return root;
    }

    /// `keys create` for keys' create: the command's words after the tool's name.
    private static string UsagePath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c and not RootCommand; s = c.Parents.FirstOrDefault()) names.Insert(0, c.Name);
        return string.Join(' ', names);
    }
}
