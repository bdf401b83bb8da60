using EventHistory.Access;
using EventHistory.EventStore;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using EventHistory.Projections;
using EventHistory.Testing;

namespace EventHistory.Cli.Tests;

/// show --as-of, diff and audit over an item seeded with page times, and the edit commands.
public sealed class ReadSideCliTests : IAsyncLifetime
{
    private const string First = "Putin expels 755 United States diplomats. ";
    private const string Third = "Putin expels 755 U.S. diplomats. ";
    private TestDatabase _db = null!;
    private Guid _id;
    private string? _key;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await ServiceRegistration.EnsureSchemaAsync(_db.DataSource);
        var store = new EventStore.EventStore(_db.DataSource, DomainEventTypes.Register(new EventTypes()), [new NewsItemProjection()]);
        _id = Guid.CreateVersion7();
        await store.AppendAsync(_id, NewsItemEventTypes.StreamType, 0, new INewsItemEvent[]
        {
            new NewsItemCreated(_id, new DateOnly(2017, 7, 30), First, "Summary.", [], null, null, [], "putin-expels-755-united-states-diplomats", "en",
                new DateTimeOffset(2017, 8, 2, 7, 30, 5, TimeSpan.Zero)),
            new HeadlineRevised("Russia: " + Third, "russia-putin-expels-755-u-s-diplomats", new DateTimeOffset(2017, 8, 27, 3, 48, 44, TimeSpan.Zero), "topic prefix"),
            new HeadlineRevised(Third, "putin-expels-755-u-s-diplomats", new DateTimeOffset(2018, 2, 6, 13, 49, 31, TimeSpan.Zero)),
        }, new EventMetadata("importer"));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await Cli.RunAsync(args, output, error, _db.ConnectionString, _key);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task show_as_of_a_time_prints_the_revision_then_current()
    {
        var (code, output, _) = await RunAsync("show", "/news/2017/07/30/putin-expels-755-united-states-diplomats.md", "--as-of", "2017-08-10");
        Assert.Equal(0, code);
        Assert.StartsWith("Putin expels 755 United States", output);
        Assert.Contains("revision  1", output);

        (code, output, _) = await RunAsync("show", _id.ToString(), "--as-of", "2017-09-01T00:00:00Z");
        Assert.Contains("revision  2", output);
        Assert.Equal(2, (await RunAsync("show", _id.ToString(), "--as-of", "last tuesday")).Code);
        Assert.Equal(1, (await RunAsync("show", _id.ToString(), "--as-of", "2001-01-01")).Code);
    }

    [Fact]
    public async Task diff_marks_deleted_and_inserted_words_without_colour_when_redirected()
    {
        var (code, output, _) = await RunAsync("diff", _id.ToString(), "1", "3");
        Assert.Equal(0, code);
        Assert.Contains("Putin expels 755 [-United States-]{+U.S.+} diplomats.", output);
        Assert.False(output.Contains('\u001b'), "no escape codes when not asked");
    }

    [Fact]
    public async Task diff_colours_deletions_red_and_insertions_green_when_asked()
    {
        var (_, output, _) = await RunAsync("diff", _id.ToString(), "1", "3", "--color", "always");
        Assert.Contains("\u001b[31mUnited States\u001b[0m\u001b[32mU.S.\u001b[0m", output, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("diff", _id.ToString(), "1")).Code);
    }

    [Fact]
    public async Task audit_lists_changes_filtered_by_editor_with_reasons()
    {
        var (code, output, _) = await RunAsync("audit", "--editor", "importer");
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Count(l => l.Contains("importer")));
        Assert.Contains(lines, l => l.Contains("headline_revised") && l.Contains("2017-08-27 03:48:44"));
        Assert.Contains(lines, l => l.Contains("why: topic prefix"));
        var (_, none, _) = await RunAsync("audit", "--editor", "nobody");
        Assert.DoesNotContain("importer", none);
        Assert.Equal(2, (await RunAsync("audit", "--since", "yesterday-ish")).Code);
    }

    [Fact]
    public async Task audit_matches_the_editor_name_exactly_and_says_so_when_nothing_matches()
    {
        foreach (var near in new[] { "import", "IMPORTER", "importer-1" })
        {
            var (code, output, error) = await RunAsync("audit", "--editor", near);
            Assert.Equal(0, code);
            Assert.DoesNotContain("headline_revised", output);
            Assert.Contains($"no changes by an editor named exactly '{near}'", error);
        }
    }

    [Fact]
    public async Task audits_more_line_gives_back_the_whole_command_with_its_filters()
    {
        string[] filtered = ["audit", _id.ToString(), "--editor", "importer", "--since", "2000-01-01", "--until", "2100-01-01", "--type", "headline_revised", "--limit", "1"];
        var (code, output, _) = await RunAsync(filtered);
        Assert.Equal(0, code);
        Assert.Contains("topic prefix", output);
        var more = output.Split('\n').Single(l => l.StartsWith("more: ", StringComparison.Ordinal))["more: ".Length..];
        var words = more.Split(' ');
        Assert.Equal(["eventhistory", .. filtered, "--after"], words[..^1]);

        // Pasted back, it gives the next change of the same filters, and no more.
        (code, output, _) = await RunAsync(words[1..]);
        Assert.Equal(0, code);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..];
        Assert.Single(rows);
        Assert.Contains("headline_revised", rows[0]);
        Assert.Contains(Third.Trim(), rows[0]);
        Assert.DoesNotContain("more:", output);
    }

    [Fact]
    public async Task edit_commands_act_as_the_key_holder_and_need_a_key()
    {
        var noKey = await RunAsync("revise-summary", _id.ToString(), "New summary.");
        Assert.Equal(1, noKey.Code);
        _key = await new ApiKeys(_db.DataSource).CreateAsync("cli-reader", Role.Reader);
        Assert.Equal(1, (await RunAsync("revise-summary", _id.ToString(), "New summary.")).Code);

        _key = await new ApiKeys(_db.DataSource).CreateAsync("cli-editor", Role.Editor);
        {
            var (code, output, _) = await RunAsync("revise-summary", _id.ToString(), "New summary.", "--reason", "clearer", "--if-match", "3");
            Assert.Equal(0, code);
            Assert.Contains("revision 4", output);
            var (staleCode, _, stale) = await RunAsync("topic", _id.ToString(), "Diplomacy", "--if-match", "3");
            Assert.Equal(1, staleCode);
            Assert.Contains($"item {_id} is at revision 4, not 3", stale);
            Assert.Contains($"eventhistory show {_id}) and retry with --if-match 4", stale);
            Assert.DoesNotContain("tream", stale);
            (staleCode, _, stale) = await RunAsync("revise", _id.ToString(), "--headline", "Another ", "--expected", "2");
            Assert.Equal(1, staleCode);
            Assert.Contains("retry with --expected 4", stale);
            var (retractCode, _, retractError) = await RunAsync("retract", _id.ToString(), "--reason", "false");
            Assert.Equal(1, retractCode);
            Assert.Contains("API key of an admin", retractError);
            var (_, history, _) = await RunAsync("history", _id.ToString());
            Assert.Contains("cli-editor", history);
            Assert.Contains("why: clearer", history);
        }
    }
}
