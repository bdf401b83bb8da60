using System.CommandLine;
using System.Globalization;
using EventHistory.NewsItems;
using MediatR;
using Npgsql;

namespace EventHistory.Cli.Commands;

/// How every writing command is sent. Each invocation is one command with one id (printed on
/// stderr, or given with --idempotency-key), reused on the tool's own retries after a transient
/// database error, so a retry never appends twice. Writes act as the holder of EVENTHISTORY_KEY.
public static class WriteCommands
{
    public static Option<string?> IdempotencyKey() => CliOptions.Text("--idempotency-key",
        "the command id: give back the id an earlier run printed to retry it safely (nothing is appended twice)", "K");

    /// create --date D --headline H [--summary S] [--source NAME=URL ...] [--topic T] [--edition en|zh].
    public static Command Create(CliSession session)
    {
        var date = new Option<DateOnly>("--date")
        {
            Description = "the item's day", HelpName = "YYYY-MM-DD", Required = true,
            CustomParser = r =>
            {
                if (DateOnly.TryParseExact(r.Tokens[0].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
                r.AddError($"--date must be YYYY-MM-DD, not '{r.Tokens[0].Value}'");
                return default;
            },
        };
        var headline = new Option<string>("--headline") { Description = "the headline", HelpName = "TEXT", Required = true };
        var summary = CliOptions.Text("--summary", "the summary");
        var sources = new Option<Source[]>("--source")
        {
            Description = "a source article (repeat the option for more)", HelpName = "NAME=URL",
            CustomParser = r => [.. r.Tokens.Select(t => t.Value.IndexOf('=') is > 0 and var eq ? new Source(t.Value[..eq], t.Value[(eq + 1)..])
                : Invalid(r, t.Value))],
        };
        var topic = CliOptions.Text("--topic", "the item's topic");
        var edition = CliOptions.Edition("the site's edition (default en)");
        var key = IdempotencyKey();
        var command = new Command("create", "a new item") { date, headline, summary, sources, topic, edition, key };
        session.Runs(command, c => SendAsync(c, new CreateNewsItem.Command(c.Get(date), c.Get(headline), c.Get(summary),
            [.. c.Get(sources) ?? []], c.Get(topic), c.Get(edition) ?? "en"), c.Get(key)));
        return command;
    }

    private static Source Invalid(System.CommandLine.Parsing.ArgumentResult r, string text)
    {
        r.AddError($"--source takes NAME=URL, not '{text}'");
        return new Source("", "");
    }

    public static async Task<int> SendAsync(CommandContext c, IRequest<EditResult> request, string? idempotencyKey)
    {
        c.Editor.CommandId = idempotencyKey ?? Guid.NewGuid().ToString();
        c.Editor.CausationId = c.Editor.CommandId;
        c.Error.WriteLine($"command id: {c.Editor.CommandId}");
        var result = await WithRetriesAsync(c, () => c.Mediator.Send(request));
        c.Output.WriteLine($"{result.ItemId} revision {result.Revision}");
        if (result.Duplicate) c.Error.WriteLine("already done by an earlier run of this command: nothing appended");
        return 0;
    }

    /// The same command (same id) again after a transient failure: the store's command log makes it safe.
    public static async Task<T> WithRetriesAsync<T>(CommandContext c, Func<Task<T>> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { return await send(); }
            catch (NpgsqlException e) when (e.IsTransient && attempt < 4)
            {
                c.Error.WriteLine($"eventhistory: transient database error ({e.Message}); retrying the same command");
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }
}
