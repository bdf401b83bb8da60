using System.Diagnostics;

namespace EventHistory.Testing;

/// Counts the SQL commands the service runs for one request: the request carries a trace id of
/// its own (a W3C traceparent header), ASP.NET makes it the request's activity's parent, and Npgsql's
/// command activities are that activity's children. Other requests, other tests and the daemon run
/// under other trace ids, so they are not counted.
public sealed class SqlCommands : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly HttpClient _http;
    private readonly Dictionary<ActivityTraceId, int> _counts = [];

    public SqlCommands(string address)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = activity =>
            {
                if (activity.Source.Name != "Npgsql") return;
                lock (_counts) if (_counts.ContainsKey(activity.TraceId)) _counts[activity.TraceId]++;
            },
        };
        ActivitySource.AddActivityListener(_listener);
        // Our own traceparent, not one the client's diagnostics would make.
        _http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null, AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
    }

    /// GET path: its status, its HTML and how many SQL commands answering it took.
    public Task<(int Status, string Html, int Commands)> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    /// Sends the request (and disposes it): its status, its body and how many SQL commands answering it took.
    public async Task<(int Status, string Body, int Commands)> SendAsync(HttpRequestMessage request)
    {
        using var _ = request;
        var trace = ActivityTraceId.CreateRandom();
        lock (_counts) _counts[trace] = 0;
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        lock (_counts) return ((int)response.StatusCode, body, _counts[trace]);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _http.Dispose();
    }
}
