using EventHistory.Access;
using EventHistory.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Api.Tests;

/// The real service on a free loopback port, over its own schema: tests speak HTTP to it.
public class ApiServer : IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;
    /// Speaks as an editor; the others as nobody, a reader and an admin.
    public HttpClient Client { get; private set; } = null!;
    public HttpClient Anonymous { get; private set; } = null!;
    public HttpClient Reader { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    private WebApplication _app = null!;
    public WebApplication App => _app;

    /// Extra settings (--NAME value pairs) for fixtures that need a differently configured service.
    protected virtual IEnumerable<string> Settings => [];

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        _app = await ApiHost.BuildAsync(["--urls", "http://127.0.0.1:0", "--EVENTHISTORY_DB", Db.ConnectionString, "--Logging:LogLevel:Default", "Warning", .. Settings]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var keys = _app.Services.GetRequiredService<ApiKeys>();
        Anonymous = new HttpClient(Handler()) { BaseAddress = new Uri(address) };
        Reader = await ClientFor(address, await keys.CreateAsync("test-reader", Role.Reader));
        Client = await ClientFor(address, await keys.CreateAsync("test-editor", Role.Editor));
        Admin = await ClientFor(address, await keys.CreateAsync("test-admin", Role.Admin));
    }

    /// A request sent with Expect: 100-continue waits for the server's answer before its body, however
    /// busy the machine (the default gives up waiting after a second and sends the body anyway).
    private static SocketsHttpHandler Handler() => new() { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) };

    private static Task<HttpClient> ClientFor(string address, string key)
    {
        var client = new HttpClient(new AnyRevisionUnlessSaid(Handler())) { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return Task.FromResult(client);
    }

    /// The service refuses an edit that does not say which revision it was made on (428). Most tests
    /// are not about that, so their keyed clients edit "whatever is current" (If-Match: *) unless a
    /// request says otherwise; PreconditionTests sends edits with no If-Match at all.
    private sealed class AnyRevisionUnlessSaid(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head && !request.Headers.Contains("If-Match"))
                request.Headers.TryAddWithoutValidation("If-Match", "*");
            return base.SendAsync(request, ct);
        }
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var client in new[] { Client, Anonymous, Reader, Admin }) client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Db.DisposeAsync();
    }
}
