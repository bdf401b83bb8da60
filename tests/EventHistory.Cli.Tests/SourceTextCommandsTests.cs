using System.Text;
using EventHistory.Access;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using EventHistory.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Cli.Tests;

public sealed class SourceTextCommandsTests : IAsyncLifetime
{
    private const string HaaretzUrl = "http://www.haaretz.com/us-news/1.762145";
    private static readonly byte[] Article = File.ReadAllBytes(Corpus.PathOf("articles/haaretz.com_us-news_1.762145.txt"));
    private TestDatabase _db = null!;
    private string _key = null!;
    private Guid _id;
    private readonly string _dir = Directory.CreateTempSubdirectory("eh-capture-").FullName;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await ServiceRegistration.EnsureSchemaAsync(_db.DataSource);
        _key = await new ApiKeys(_db.DataSource).CreateAsync("night-editor", Role.Editor);
        await using var services = new ServiceCollection().AddEventHistory(_db.DataSource).BuildServiceProvider();
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<EditorContext>().Editor = "ann";
        _id = (await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new CreateNewsItem.Command(
            new DateOnly(2016, 12, 29), "The United States expels 35 Russian diplomats. ", "Summary.",
            [new Source("Haaretz", HaaretzUrl), new Source("Reuters", "http://www.reuters.com/article/x")]))).ItemId;
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await Cli.RunAsync(args, output, error, _db.ConnectionString, _key);
        return (code, output.ToString(), error.ToString());
    }

    private string FileWith(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private Task<long> EventCountAsync() => _db.ScalarAsync("select count(*) from mt_events");

    [Fact]
    public async Task capture_recapture_edit_and_whitespace_change_then_export_the_first_version_byte_identical()
    {
        var id = _id.ToString();
        var original = FileWith("article.txt", Article);
        var (code, output, error) = await RunAsync("capture", id, "1", original);
        Assert.True(code == 0, error);
        Assert.Contains("Captured version 1 of Haaretz", output);

        var events = await EventCountAsync();
        (code, output, _) = await RunAsync("capture", id, HaaretzUrl, original);
        Assert.Equal(0, code);
        Assert.Contains("Unchanged", output);
        Assert.Equal(events, await EventCountAsync());

        var edited = Encoding.UTF8.GetString(Article).Replace("closed two Russian compounds", "shut two Russian compounds");
        (code, output, _) = await RunAsync("capture", id, "1", FileWith("edited.txt", Encoding.UTF8.GetBytes(edited)),
            "--at", "2016-12-30T08:00:00Z", "--reason", "rewritten");
        Assert.Equal(0, code);
        Assert.Contains("Captured version 2", output);
        Assert.DoesNotContain("trivial", output);
        Assert.Equal(1L, await _db.ScalarAsync(
            "select count(*) from eh_source_texts where version = 2 and captured_at = '2016-12-30T08:00:00Z' and editor = 'night-editor'"));

        var crlf = Encoding.UTF8.GetBytes(edited.Replace("\n", "\r\n"));
        (code, output, _) = await RunAsync("capture", id, "1", FileWith("crlf.txt", crlf));
        Assert.Equal(0, code);
        Assert.Contains("Captured version 3", output);
        Assert.Contains("trivial", output);

        (code, output, _) = await RunAsync("source-diff", id, "1", "1", "2");
        Assert.Equal(0, code);
        Assert.Contains("[-closed-]{+shut+} two Russian compounds", output);
        Assert.Equal(1, Count(output, "[-"));
        Assert.Equal(1, Count(output, "{+"));
        Assert.Contains("1 word(s) deleted, 1 inserted", output);
        Assert.False(output.Contains('\u001b'), output);

        (code, output, _) = await RunAsync("source-diff", id, "1", "1", "2", "--color", "always");
        Assert.Contains("\u001b[31mclosed\u001b[0m\u001b[32mshut\u001b[0m", output);
        Assert.Contains("trivial", (await RunAsync("source-diff", id, "1", "2", "3")).Out);

        var exported = Path.Combine(_dir, "export.txt");
        (code, _, _) = await RunAsync("source-text", id, HaaretzUrl, "--version", "1", "--out", exported);
        Assert.Equal(0, code);
        Assert.Equal(Article, File.ReadAllBytes(exported));
        (code, output, _) = await RunAsync("source-text", id, "1");
        Assert.Equal(crlf, Encoding.UTF8.GetBytes(output));

        (code, output, _) = await RunAsync("source-texts", id, "1");
        Assert.Equal(0, code);
        Assert.Contains("why: rewritten", output);
        Assert.Single(output.Split('\n'), l => l.Contains("trivial"));
        Assert.DoesNotContain("trivial", (await RunAsync("source-texts", id, "1", "--no-trivial")).Out);
    }

    [Fact]
    public async Task bad_files_and_unknown_sources_get_a_message_naming_them_and_write_nothing()
    {
        var id = _id.ToString();
        var events = await EventCountAsync();
        var empty = FileWith("empty.txt", []);
        var binary = FileWith("binary.txt", [.. Article.Take(50), 0x00, .. Article.Skip(50)]);
        var latin1 = FileWith("latin1.txt", [.. Encoding.Latin1.GetBytes("Caf\u00e9 au lait\n")]);
        var huge = FileWith("huge.txt", Enumerable.Repeat((byte)'a', 2 * 1024 * 1024 + 1).ToArray());

        foreach (var (file, says) in new[] { (empty, "must not be empty"), (binary, "NUL byte at byte 50"), (latin1, "not valid UTF-8 at byte 3 (line 1)"), (huge, "at most") })
        {
            var (code, _, error) = await RunAsync("capture", id, "1", file);
            Assert.Equal(1, code);
            Assert.Contains(file, error);
            Assert.Contains(says, error);
        }
        var (missingCode, _, missingError) = await RunAsync("capture", id, "1", Path.Combine(_dir, "nowhere.txt"));
        Assert.Equal(1, missingCode);
        Assert.Contains("cannot read", missingError);

        var original = FileWith("article.txt", Article);
        var (sourceCode, _, sourceError) = await RunAsync("capture", id, "9", original);
        Assert.Equal(1, sourceCode);
        Assert.Contains("Source 9", sourceError);
        Assert.Equal(2, (await RunAsync("capture", id, "1", original, "--at", "soon")).Code);
        Assert.Equal(2, (await RunAsync("capture", id, "1")).Code);

        var anonymousError = new StringWriter();
        Assert.Equal(1, await Cli.RunAsync(["capture", id, "1", original], new StringWriter(), anonymousError, _db.ConnectionString, "ehk_none"));
        Assert.Contains("EVENTHISTORY_KEY", anonymousError.ToString());

        Assert.Equal(events, await EventCountAsync());
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;
}
