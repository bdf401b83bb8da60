using EventHistory.Access;
using EventHistory.Infrastructure;
using EventHistory.Testing;

namespace EventHistory.Cli.Tests;

public sealed class KeysTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await ServiceRegistration.EnsureSchemaAsync(_db.DataSource);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await Cli.RunAsync(args, output, error, _db.ConnectionString);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task a_created_key_authenticates_with_its_role_until_revoked_and_only_its_hash_is_stored()
    {
        var (code, output, _) = await RunAsync("keys", "create", "--name", "night-editor", "--role", "editor");
        Assert.Equal(0, code);
        var key = output.Trim();
        Assert.StartsWith(ApiKeys.Prefix, key);

        var keys = new ApiKeys(_db.DataSource);
        Assert.Equal(new ApiKeyHolder("night-editor", Role.Editor), await keys.AuthenticateAsync(key));
        Assert.Equal(0L, await _db.ScalarAsync($"select count(*) from eh_api_keys where encode(key_hash, 'escape') like '%{key[4..12]}%'"));

        Assert.Equal(0, (await RunAsync("keys", "revoke", "night-editor")).Code);
        Assert.Null(await keys.AuthenticateAsync(key));
        Assert.Contains("revoked", (await RunAsync("keys", "list")).Out);
    }

    [Fact]
    public async Task a_bad_role_or_a_duplicate_name_is_refused()
    {
        Assert.Equal(2, (await RunAsync("keys", "create", "--name", "x", "--role", "god")).Code);
        Assert.Equal(0, (await RunAsync("keys", "create", "--name", "x", "--role", "reader")).Code);
        var (code, _, error) = await RunAsync("keys", "create", "--name", "x", "--role", "reader");
        Assert.Equal(1, code);
        Assert.Contains("eventhistory: a key named 'x' exists already", error);
        Assert.Contains("choose another name", error);
        Assert.DoesNotContain("(Parameter", error);
        Assert.Equal(1L, await _db.ScalarAsync("select count(*) from eh_api_keys where name = 'x'"));
    }
}
