namespace EventHistory.Cli.Tests;

/// What System.CommandLine answers before any database is reached: help, usage errors with their
/// "did you mean", typed values, and tab completion through the [suggest] directive. The connection
/// string names no server, so a command that tried to connect would fail with exit 1.
public sealed class CommandLineTests
{
    private const string Nowhere = "Host=127.0.0.1;Port=1;Timeout=1";

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await Cli.RunAsync(args, output, error, Nowhere, null);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task help_lists_every_command_and_each_command_has_its_own()
    {
        var (code, output, _) = await RunAsync("--help");
        Assert.Equal(0, code);
        Assert.Contains("eventhistory [command] [options]", output);
        foreach (var command in new[] { "show", "history", "diff", "audit", "keys", "import", "import-git", "export", "create", "revise", "verify", "rebuild", "daemon" })
            Assert.Contains($"\n  {command} ", output);

        (code, output, _) = await RunAsync("show", "--help");
        Assert.Equal(0, code);
        Assert.Contains("eventhistory show <ITEM> [options]", output);
        Assert.Contains("--recorded-as-of <TIME>", output);
        Assert.Equal(output, (await RunAsync("help", "show")).Out);
        Assert.Contains("--role <reader|editor|admin>", (await RunAsync("keys", "create", "--help")).Out);
    }

    [Fact]
    public async Task a_mistyped_command_exits_2_with_the_command_it_may_have_meant()
    {
        var (code, _, error) = await RunAsync("shwo", "x");
        Assert.Equal(2, code);
        Assert.Contains("'shwo' was not matched. Did you mean", error);
        Assert.Contains("\nshow\n", error.ReplaceLineEndings("\n"));
        Assert.Equal(2, (await RunAsync()).Code);
    }

    [Fact]
    public async Task bad_values_exit_2_naming_the_option_and_what_it_takes()
    {
        var (code, _, error) = await RunAsync("show", "x", "--revision", "abc");
        Assert.Equal(2, code);
        Assert.Contains("--revision takes a whole number from 1, not 'abc'", error);
        (code, _, error) = await RunAsync("audit", "--since", "last tuesday");
        Assert.Equal(2, code);
        Assert.Contains("--since takes an ISO 8601 time", error);
        Assert.Equal(2, (await RunAsync("keys", "create", "--name", "x", "--role", "god")).Code);
        Assert.Equal(2, (await RunAsync("export", "--out", "/tmp/x", "--edition", "fr")).Code);
        Assert.Equal(2, (await RunAsync("diff", "x", "1", "3", "--color", "sometimes")).Code);
        Assert.Equal(2, (await RunAsync("show", "x", "--revision", "2", "--as-of", "2017-08-10")).Code);
        Assert.Equal(2, (await RunAsync("create", "--date", "2017-02-30", "--headline", "H")).Code);
    }

    [Fact]
    public async Task tab_completion_suggests_commands_options_and_values()
    {
        var (code, output, _) = await SuggestAsync("reve");
        Assert.Equal(0, code);
        var commands = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("revert", commands);
        Assert.DoesNotContain("show", commands);
        Assert.Contains("--role", (await SuggestAsync("keys create --")).Out);
        var roles = (await SuggestAsync("keys create --name x --role ")).Out;
        Assert.Contains("reader", roles);
        Assert.Contains("admin", roles);
        Assert.Contains("item_search", (await SuggestAsync("rebuild ")).Out);
    }

    /// What the bash completion script sends: the words after the tool's name, the cursor at their end.
    private static Task<(int Code, string Out, string Err)> SuggestAsync(string words) => RunAsync($"[suggest:{words.Length}]", words);
}
