using EventHistory.Access;
using EventHistory.Infrastructure;
using EventHistory.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Cli.Tests;

/// create, revise (as processes, acting as the holder of EVENTHISTORY_KEY), verify and archive.
public sealed class WriteCommandTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Dictionary<string, string> _asEditor = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await ServiceRegistration.EnsureSchemaAsync(_db.DataSource);
        await using var services = new ServiceCollection().AddEventHistory(_db.DataSource).BuildServiceProvider();
        _asEditor = new() { ["EVENTHISTORY_KEY"] = await services.GetRequiredService<ApiKeys>().CreateAsync("cli-editor", Role.Editor) };
        _adminKey = await services.GetRequiredService<ApiKeys>().CreateAsync("cli-admin", Role.Admin);
    }

    private string _adminKey = null!;

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => CliProcess.RunAsync(_db.ConnectionString, _asEditor, args);

    private async Task<(int Code, string Out, string Err)> InProcessAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await Cli.RunAsync(args, output, error, _db.ConnectionString, _adminKey);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<string> CreateAsync(params string[] more)
    {
        var (code, output, error) = await RunAsync(["create", "--date", "2018-01-14", "--headline", "Oil tanker Sanchi sinks ", .. more]);
        Assert.True(code == 0, error);
        return output.Split(' ')[0];
    }

    [Fact]
    public async Task a_command_retried_with_its_idempotency_key_appends_nothing_the_second_time()
    {
        var first = await CreateAsync("--summary", "The tanker sank after burning for a week.", "--source", "BBC=https://www.bbc.com/news/world-asia-42677870",
            "--source", "Reuters=https://www.reuters.com/article/x", "--idempotency-key", "create-sanchi-1");
        var again = await CreateAsync("--summary", "The tanker sank after burning for a week.", "--source", "BBC=https://www.bbc.com/news/world-asia-42677870",
            "--source", "Reuters=https://www.reuters.com/article/x", "--idempotency-key", "create-sanchi-1");
        Assert.Equal(first, again);
        Assert.Equal(1L, await _db.ScalarAsync("select count(*) from mt_events"));
        // The id is bound to its request: another request with it is refused, never taken for the first one.
        var (refusedCode, _, refusedError) = await RunAsync("create", "--date", "2018-01-14", "--headline", "Another item ", "--idempotency-key", "create-sanchi-1");
        Assert.Equal(1, refusedCode);
        Assert.Contains("'create-sanchi-1' was first used for another request", refusedError);
        Assert.Equal(2L, await _db.ScalarAsync("select jsonb_array_length(data->'sources') from mt_events"));

        var revise = new[] { "revise", first, "--headline", "Iranian oil tanker Sanchi sinks ", "--reason", "name the tanker", "--idempotency-key", "revise-sanchi-1" };
        var (code, output, error) = await RunAsync(revise);
        Assert.Equal((0, $"{first} revision 2\n"), (code, output));
        Assert.Contains("command id: revise-sanchi-1", error);
        (code, output, error) = await RunAsync(revise);
        Assert.Equal((0, $"{first} revision 2\n"), (code, output));
        Assert.Contains("nothing appended", error);
        Assert.Equal(2L, await _db.ScalarAsync("select count(*) from mt_events"));
        Assert.Equal(1L, await _db.ScalarAsync(
            "select count(*) from mt_events where user_name = 'cli-editor' and causation_id = 'revise-sanchi-1' and data->>'reason' = 'name the tanker'"));
    }

    [Fact]
    public async Task every_edit_command_takes_an_idempotency_key_and_its_retry_appends_nothing()
    {
        var id = await CreateAsync();
        var edit = new[] { "revise-summary", id, "The tanker sank after burning for a week.", "--idempotency-key", "summary-sanchi-1" };
        var (code, output, error) = await InProcessAsync(edit);
        Assert.Equal((0, $"{id} revision 2\n"), (code, output));
        Assert.Contains("command id: summary-sanchi-1", error);
        (code, output, error) = await InProcessAsync(edit);
        Assert.Equal((0, $"{id} revision 2\n"), (code, output));
        Assert.Contains("nothing appended", error);
        Assert.Equal(2L, await _db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task without_a_key_each_invocation_gets_its_own_command_id_and_without_a_user_key_nothing_is_written()
    {
        var id = await CreateAsync();
        var (_, _, first) = await RunAsync("revise", id, "--headline", "One ");
        var (_, _, second) = await RunAsync("revise", id, "--headline", "Two ");
        Assert.NotEqual(first.Split('\n')[0], second.Split('\n')[0]);
        Assert.StartsWith("command id: ", first);

        var (code, _, error) = await CliProcess.RunAsync(_db.ConnectionString, null, "revise", id, "--headline", "Three ");
        Assert.Equal(1, code);
        Assert.Contains("EVENTHISTORY_KEY", error);
        Assert.Equal(3L, await _db.ScalarAsync("select count(*) from mt_events"));
    }

    [Fact]
    public async Task verify_reports_a_changed_byte_at_its_event_and_archive_hides_the_item()
    {
        var id = await CreateAsync();
        await RunAsync("revise", id, "--headline", "Second ");
        await RunAsync("revise", id, "--headline", "Third ");
        var (code, output, _) = await InProcessAsync("verify");
        Assert.Equal((0, "all 3 events in 1 streams verify\n"), (code, output));

        await _db.ExecuteAsync($"update mt_events set data = jsonb_set(data, '{{headline}}', '\"Secönd \"') where stream_id = '{id}' and version = 2");
        (code, output, _) = await InProcessAsync("verify", id);
        Assert.Equal(1, code);
        Assert.Contains($"BROKEN {id} at version 2", output);
        Assert.Contains(": data:", output);

        (code, output, _) = await InProcessAsync("archive", id);
        Assert.Equal(0, code);
        Assert.Equal(1L, await _db.ScalarAsync($"select count(*) from mt_streams where id = '{id}' and is_archived"));
        Assert.Equal(3L, await _db.ScalarAsync($"select count(*) from mt_events where stream_id = '{id}' and is_archived"));
    }
}
