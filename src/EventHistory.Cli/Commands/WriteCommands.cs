using System.Globalization;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using MediatR;
using Npgsql;

namespace EventHistory.Cli.Commands;

/// How every writing command is sent. Each invocation is one command with one id (printed on
/// stderr, or given with --idempotency-key), reused on the tool's own retries after a transient
/// database error, so a retry never appends twice. Writes act as the holder of EVENTHISTORY_KEY.
public static class WriteCommands
{
    public static Task<int> CreateAsync(CommandContext c, EditorContext editor)
    {
        var dateText = c.Args.Option("date") ?? throw new UsageException("create needs --date YYYY-MM-DD");
        if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            throw new UsageException($"--date must be YYYY-MM-DD, not '{dateText}'");
        var headline = c.Args.Option("headline") ?? throw new UsageException("create needs --headline TEXT");
        var sources = c.Args.All("source").Select(s =>
        {
            var eq = s.IndexOf('=');
            return eq > 0 ? new Source(s[..eq], s[(eq + 1)..]) : throw new UsageException($"--source takes NAME=URL, not '{s}'");
        }).ToList();
        var command = new CreateNewsItem.Command(date, headline, c.Args.Option("summary"), sources, c.Args.Option("topic"), c.Args.Option("edition") ?? "en");
        return SendAsync(c, editor, command);
    }

    public static async Task<int> SendAsync(CommandContext c, EditorContext editor, IRequest<EditResult> request)
    {
        editor.CommandId = c.Args.Option("idempotency-key") ?? Guid.NewGuid().ToString();
        editor.CausationId = editor.CommandId;
        c.Error.WriteLine($"command id: {editor.CommandId}");
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
