using System.CommandLine;
using System.Diagnostics;
using EventHistory.Access;
using EventHistory.Infrastructure;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EventHistory.Cli;

/// One run of the tool: where it writes, which database it reaches and whose key it holds. A
/// command's action goes through <see cref="Runs"/>: connect, check the schema, authenticate, check
/// the role, run, and turn the domain's errors into a message and exit 1.
public sealed class CliSession(TextWriter output, TextWriter error, string? connectionString, string? apiKey)
{
    /// EVENTHISTORY_TIMINGS=1 prints each start-up phase's time on stderr (where a call's time goes).
    private readonly bool _timings = Environment.GetEnvironmentVariable("EVENTHISTORY_TIMINGS") == "1";

    public void Runs(Command command, Func<CommandContext, Task<int>> run) =>
        command.SetAction((parse, _) => RunAsync(parse, run));

    private async Task<int> RunAsync(ParseResult parse, Func<CommandContext, Task<int>> run)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            error.WriteLine("eventhistory: set EVENTHISTORY_DB to the PostgreSQL connection string.");
            return 2;
        }
        var clock = Stopwatch.StartNew();
        try
        {
            await using var db = new NpgsqlDataSourceBuilder(EventStore.ConnectionTuning.Apply(connectionString)).Build();
            // The first connection (Npgsql's start-up, mostly) and a fingerprint check (one lock, one
            // row; the tables are made only when the schema is not current), on another core while
            // the services are registered: each took about 100 ms of a read's 400.
            var schema = Task.Run(() => ServiceRegistration.EnsureSchemaAsync(db));
            // Services are built lazily: a read never builds the Marten store, its projections or the daemon.
            await using var services = new ServiceCollection().AddEventHistory(db).BuildServiceProvider();
            var command = TopLevel(parse);
            var needed = Cli.RoleNeeded(command);
            // A command that writes builds the Marten store (no query: its configuration, mappings and
            // code) while the schema check runs.
            var store = needed is null ? Task.CompletedTask : Task.Run(() => services.GetRequiredService<EventStore.EventStore>());
            // Both awaited, so nothing still uses the services or the data source when a failure
            // disposes them; the schema's failure (the database unreachable, say) is the one reported.
            await Task.WhenAll(schema, store);
            Phase(clock, "services and schema check (and the store, for a write)");
            await using var scope = services.CreateAsyncScope();
            var caller = await scope.ServiceProvider.GetRequiredService<ApiKeys>().AuthenticateAsync(apiKey);
            Phase(clock, "authentication");
            if (needed is { } role && (caller is null || caller.Role < role))
            {
                error.WriteLine($"eventhistory: {command} writes history: set EVENTHISTORY_KEY to the API key of an {role.ToString().ToLowerInvariant()}"
                    + (caller is null ? "." : $" (the key of '{caller.Name}' is a {caller.Role.ToString().ToLowerInvariant()}'s)."));
                return 1;
            }
            var editor = scope.ServiceProvider.GetRequiredService<EditorContext>();
            editor.Editor = caller?.Name;
            editor.CorrelationId = Guid.NewGuid().ToString();
            var code = await run(new CommandContext(scope.ServiceProvider, parse, output, error));
            Phase(clock, command);
            return code;
        }
        catch (UsageException e)
        {
            error.WriteLine($"eventhistory: {e.Message} (eventhistory {TopLevel(parse)} --help says more)");
            return 2;
        }
        catch (ValidationException e)
        {
            foreach (var f in e.Errors) error.WriteLine($"eventhistory: {f.PropertyName}: {f.ErrorMessage}");
            return 1;
        }
        catch (EventStore.ConcurrencyException e)
        {
            error.WriteLine($"eventhistory: {Messages.Conflict(e, parse)}");
            return 1;
        }
        catch (EventStore.StreamArchivedException e)
        {
            error.WriteLine($"eventhistory: item {e.StreamId} is archived: its history is kept, and it takes no more edits");
            return 1;
        }
        catch (Exception e) when (e is NotFoundException or EditRejectedException or EventStore.CommandReusedException or EventStore.Daemon.ProjectionBusyException)
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

    private void Phase(Stopwatch clock, string name)
    {
        if (!_timings) return;
        error.WriteLine($"timing: {name} {clock.Elapsed.TotalMilliseconds:F0} ms");
        clock.Restart();
    }

    /// The command under the root (`keys` for `keys create`): the one RoleNeeded knows.
    private static string TopLevel(ParseResult parse)
    {
        var result = parse.CommandResult;
        while (result.Parent is System.CommandLine.Parsing.CommandResult { Command: not RootCommand } parent) result = parent;
        return result.Command.Name;
    }
}

/// What a command's action gets: the MediatR front door, the parsed command line and the writers.
public sealed class CommandContext(IServiceProvider services, ParseResult parse, TextWriter output, TextWriter error)
{
    public IServiceProvider Services { get; } = services;
    public MediatR.IMediator Mediator { get; } = services.GetRequiredService<MediatR.IMediator>();
    public EditorContext Editor { get; } = services.GetRequiredService<EditorContext>();
    public ParseResult Parse { get; } = parse;
    public TextWriter Output { get; } = output;
    public TextWriter Error { get; } = error;

    public T Get<T>(Option<T> option) => Parse.GetValue(option)!;
    public T Get<T>(Argument<T> argument) => Parse.GetValue(argument)!;

    /// stdout is this process's terminal (not redirected, not a test's writer).
    public bool OutputIsTerminal => ReferenceEquals(Output, Console.Out) && !Console.IsOutputRedirected;
    public bool ErrorIsTerminal => ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected;

    /// Colour on stdout: --color always, or auto (the default) on a terminal when NO_COLOR is unset.
    public bool Colour => ColourOn(OutputIsTerminal);

    /// The same rule for a stream that is (or is not) a terminal: stderr's progress bar asks it too.
    public bool ColourOn(bool terminal) => Parse.GetValue<string>(CliOptions.ColorName) switch
    {
        "always" => true,
        "never" => false,
        _ => terminal && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")),
    };
}

/// Bad usage found only when the command runs (a missing file, say): exit 2, as a parse error.
public sealed class UsageException(string message) : Exception(message);
