using EventHistory.Access;
using EventHistory.Infrastructure;
using EventHistory.Testing;

namespace EventHistory.Cli.Tests;

/// A schema of its own, an editor's key and a scratch folder for one test class's CLI runs.
public abstract class CliTestBase : IAsyncLifetime
{
    protected TestDatabase Db { get; private set; } = null!;
    protected string Work { get; } = Path.Combine(Path.GetTempPath(), "eh-cli-" + Guid.NewGuid().ToString("N"));
    private string? _key;

    public virtual async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        await ServiceRegistration.EnsureSchemaAsync(Db.DataSource);
        _key = await new ApiKeys(Db.DataSource).CreateAsync("cli-editor", Role.Editor);
        Directory.CreateDirectory(Work);
    }

    public async Task DisposeAsync()
    {
        Directory.Delete(Work, true);
        await Db.DisposeAsync();
    }

    protected async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await Cli.RunAsync(args, output, error, Db.ConnectionString, _key);
        return (code, output.ToString(), error.ToString());
    }
}
