using EventHistory.Access;
using EventHistory.Cli.Commands;
using EventHistory.Infrastructure;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EventHistory.Cli;

/// The `eventhistory` command line: the same MediatR requests as the API, another front door.
/// Exit codes: 0 done, 1 the request failed (not found, conflict, rejected), 2 bad usage.
public static class Cli
{
    public static readonly string Usage = $"""
        usage: eventhistory COMMAND [ARGS]
          show ITEM [--revision N | --as-of TIME | --recorded-as-of TIME]
                                       the item now, at revision N, or as of a time on the edit
                                       clock or the store's clock (ITEM is an id or a path)
          history ITEM                 its revisions: first version, updates, current version
          diff ITEM A B [--color always|never|auto]   what changed from revision A to B
          audit [ITEM] [--editor E] [--since T] [--until T] [--type T] [--after CURSOR] [--limit N]
                                       the change feed (since/until on the store's clock)
        {EditCommands.Usage}
          capture ITEM SOURCE FILE [--at TIME] [--reason TEXT]   keep FILE as the text of a source article
                                       (SOURCE is its position in the item's sources, from 1, or its URL)
          source-texts ITEM SOURCE [--no-trivial]            the captured versions of a source's text
          source-text ITEM SOURCE [--version N] [--out FILE] a captured text, byte for byte (default: latest)
          source-diff ITEM SOURCE A B [--full] [--color auto|always|never]   word diff of versions A and B
          keys create --name NAME --role reader|editor|admin   prints a new API key (shown once)
          keys rotate NAME             a new secret for NAME's key (the old one stops working)
          keys revoke NAME | keys list
          import FILE|DIR [--at TIME]  pages (item pages, index.md and README.md day pages) into history
          import-git REPO [--from COMMIT] [--to COMMIT] [--branch B] [--edition en|zh]
                                       replays a git repository of the site's pages commit by commit
                                       (resumable: a second run goes on after the last commit)
          export --out DIR [--as-of TIME] [--edition en|zh]   every page rendered from history, as of
                                       TIME if given; with --edition, that edition's news/ tree only
          create --date D --headline H [--summary S] [--source NAME=URL ...] [--idempotency-key K]
          revise ITEM --headline H [--reason R] [--expected N]   the same as revise-headline
                                       writes print their command id on stderr; give it back with
                                       --idempotency-key K to retry safely (nothing is appended twice)
          search TEXT                  items whose current headline or summary match
          verify [ITEM]                checks the hash chain of every stream (or ITEM's); exit 1 if broken
          archive ITEM                 keeps the item's history but hides it from default reads
          projections                  each projection's state, position and lag
          rebuild NAME                 replays every event into a projection (news_items, item_search, ...)
          daemon                       runs the projection daemon until stopped
        Reads the PostgreSQL connection string from EVENTHISTORY_DB; commands that write act as the
        holder of the API key in EVENTHISTORY_KEY.
        """;

    /// The role a command needs, as the API's policies would ask; commands not listed only read.
    /// `keys` needs none: it is how the first admin key is made, by whoever reaches the database.
    private static Role? RoleNeeded(string command) => command switch
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
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        connectionString ??= Environment.GetEnvironmentVariable("EVENTHISTORY_DB");
        if (string.IsNullOrEmpty(connectionString))
        {
            error.WriteLine("eventhistory: set EVENTHISTORY_DB to the PostgreSQL connection string.");
            return 2;
        }
        try
        {
            var arguments = Arguments.Parse(args[1..]);
            await using var db = new NpgsqlDataSourceBuilder(EventStore.ConnectionTuning.Apply(connectionString)).Build();
            await ServiceRegistration.EnsureSchemaAsync(db);
            await using var services = new ServiceCollection().AddEventHistory(db).BuildServiceProvider();
            await using var scope = services.CreateAsyncScope();
            var keys = scope.ServiceProvider.GetRequiredService<ApiKeys>();
            var editor = scope.ServiceProvider.GetRequiredService<EditorContext>();
            var caller = await keys.AuthenticateAsync(apiKey ?? Environment.GetEnvironmentVariable("EVENTHISTORY_KEY"));
            if (RoleNeeded(args[0]) is { } needed && (caller is null || caller.Role < needed))
            {
                error.WriteLine($"eventhistory: {args[0]} writes history: set EVENTHISTORY_KEY to the API key of an {needed.ToString().ToLowerInvariant()}"
                    + (caller is null ? "." : $" (the key of '{caller.Name}' is a {caller.Role.ToString().ToLowerInvariant()}'s)."));
                return 1;
            }
            editor.Editor = caller?.Name;
            editor.CorrelationId = Guid.NewGuid().ToString();
            var context = new CommandContext(scope.ServiceProvider.GetRequiredService<IMediator>(), arguments, output, error);
            return args[0] switch
            {
                "show" => await ShowCommand.RunAsync(context),
                "history" => await HistoryCommand.RunAsync(context),
                "keys" => await KeysCommand.RunAsync(context, keys),
                "diff" => await DiffCommand.RunAsync(context),
                "audit" => await AuditCommand.RunAsync(context),
                var edit when EditCommands.Names.Contains(edit) => await EditCommands.RunAsync(edit, context, editor),
                "capture" => await CaptureCommand.RunAsync(context),
                "source-texts" => await SourceTextsCommand.RunAsync(context),
                "source-text" => await SourceTextCommand.RunAsync(context),
                "source-diff" => await SourceDiffCommand.RunAsync(context),
                "import" => await ImportCommand.RunAsync(context),
                "import-git" => await ImportGitCommand.RunAsync(context),
                "export" => await ExportCommand.RunAsync(context),
                "create" => await WriteCommands.CreateAsync(context, editor),
                "search" => await StoreCommands.SearchAsync(context),
                "verify" => await StoreCommands.VerifyAsync(context),
                "archive" => await StoreCommands.ArchiveAsync(context),
                "projections" => await StoreCommands.ProjectionsAsync(context),
                "rebuild" => await StoreCommands.RebuildAsync(context),
                "daemon" => await StoreCommands.DaemonAsync(context, scope.ServiceProvider.GetRequiredService<EventStore.Daemon.AsyncDaemon>()),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException e)
        {
            error.WriteLine($"eventhistory: {e.Message}\n{Usage}");
            return 2;
        }
        catch (ValidationException e)
        {
            foreach (var f in e.Errors) error.WriteLine($"eventhistory: {f.PropertyName}: {f.ErrorMessage}");
            return 1;
        }
        catch (Exception e) when (e is NotFoundException or EditRejectedException or EventStore.ConcurrencyException or EventStore.CommandReusedException or EventStore.Daemon.ProjectionBusyException)
        {
            error.WriteLine($"eventhistory: {e.Message}");
            return 1;
        }
        catch (PostgresException e)
        {
            error.WriteLine($"eventhistory: the database refused the request: {e.MessageText} ({e.SqlState})");
            return 1;
        }
        catch (NpgsqlException e)
        {
            error.WriteLine($"eventhistory: cannot reach the database: {e.Message}");
            return 1;
        }
    }
}

public sealed record CommandContext(IMediator Mediator, Arguments Args, TextWriter Output, TextWriter Error);

public sealed class UsageException(string message) : Exception(message);
