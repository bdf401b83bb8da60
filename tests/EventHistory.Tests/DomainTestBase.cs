using EventHistory.Infrastructure;
using EventHistory.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Tests;

/// A schema of its own with the domain's services over it: what every use-case test class needs.
public abstract class DomainTestBase : IAsyncLifetime
{
    protected TestDatabase Db { get; private set; } = null!;
    protected ServiceProvider Services { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        await ServiceRegistration.EnsureSchemaAsync(Db.DataSource);
        Services = new ServiceCollection().AddEventHistory(Db.DataSource).BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await Db.DisposeAsync();
    }

    /// A mediator whose requests act as <paramref name="editor"/>, as a front door would set it.
    protected IMediator MediatorFor(string editor, string? commandId = null)
    {
        var scope = Services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<EditorContext>();
        context.Editor = editor;
        context.CommandId = commandId;
        return scope.ServiceProvider.GetRequiredService<IMediator>();
    }
}
