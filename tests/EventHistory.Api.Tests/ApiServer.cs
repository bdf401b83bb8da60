using EventHistory.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Api.Tests;

/// The real service on a free loopback port, over its own schema: tests speak HTTP to it.
public sealed class ApiServer : IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        _app = await ApiHost.BuildAsync(["--urls", "http://127.0.0.1:0", "--EVENTHISTORY_DB", Db.ConnectionString, "--Logging:LogLevel:Default", "Warning"]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Db.DisposeAsync();
    }
}
