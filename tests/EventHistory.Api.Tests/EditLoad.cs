using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventHistory.Api.Tests;

public enum Outcome { Accepted, Conflict, Unavailable, ConnectionFailed, Unexpected }

/// One attempt to revise a headline: what was sent, what came back.
public sealed record Attempt(string Writer, Guid Item, string Headline, long IfMatch, Outcome Outcome, long? Revision, string Detail, TimeSpan Took);

/// Writers that each revise headlines of random items the way a careful client does: read the
/// item, send the edit with If-Match, and on 409 read again and retry. Every answer is recorded.
public sealed class EditLoad(IReadOnlyList<(string Name, HttpClient Client)> writers, IReadOnlyList<Guid> items)
{
    public ConcurrentQueue<Attempt> Attempts { get; } = new();
    public int Accepted => _accepted;
    private int _accepted;

    /// Runs until each writer had <paramref name="editsPerWriter"/> edits accepted, or until <paramref name="stop"/>.
    public Task RunAsync(int editsPerWriter, CancellationToken stop, bool newHeadlinePerAttempt = false) =>
        Task.WhenAll(writers.Select((w, n) => Task.Run(() => WriteAsync(w.Name, w.Client, n, editsPerWriter, newHeadlinePerAttempt, stop))));

    private async Task WriteAsync(string name, HttpClient client, int seed, int edits, bool newHeadlinePerAttempt, CancellationToken stop)
    {
        var random = new Random(seed);
        var tries = 0;
        for (var edit = 0; edit < edits && !stop.IsCancellationRequested; edit++)
        {
            var item = items[random.Next(items.Count)];
            while (!stop.IsCancellationRequested)
            {
                var headline = newHeadlinePerAttempt ? $"{name} edit {edit} try {tries++} " : $"{name} edit {edit} ";
                var attempt = await TryAsync(name, client, item, headline);
                Attempts.Enqueue(attempt);
                if (attempt.Outcome == Outcome.Accepted) { Interlocked.Increment(ref _accepted); break; }
                if (attempt.Outcome is Outcome.Unavailable or Outcome.ConnectionFailed) await Task.Delay(20, CancellationToken.None);
            }
        }
    }

    private static async Task<Attempt> TryAsync(string name, HttpClient client, Guid item, string headline)
    {
        var clock = Stopwatch.StartNew();
        long ifMatch = 0;
        try
        {
            var current = await client.GetAsync($"/api/items/{item}");
            if (current.StatusCode != HttpStatusCode.OK) return await FailureAsync(current);
            ifMatch = long.Parse(current.Headers.ETag!.Tag.Trim('"'));

            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/items/{item}/headline")
            {
                Content = JsonContent.Create(new { headline, reason = "load test" }),
            };
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{ifMatch}\"");
            var response = await client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                return Done(Outcome.Accepted, body.GetProperty("revision").GetInt64(), "");
            }
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
                var real = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                    && problem.GetProperty("currentRevision").GetInt64() > ifMatch;
                return Done(real ? Outcome.Conflict : Outcome.Unexpected, null, problem.ToString());
            }
            return await FailureAsync(response);
        }
        catch (HttpRequestException e)
        {
            return Done(Outcome.ConnectionFailed, null, e.Message);
        }

        async Task<Attempt> FailureAsync(HttpResponseMessage response)
        {
            var text = await response.Content.ReadAsStringAsync();
            var unavailable = response.StatusCode == HttpStatusCode.ServiceUnavailable
                && response.Headers.RetryAfter is not null
                && response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            return Done(unavailable ? Outcome.Unavailable : Outcome.Unexpected, null, $"{(int)response.StatusCode} {text}");
        }

        Attempt Done(Outcome outcome, long? revision, string detail) =>
            new(name, item, headline, ifMatch, outcome, revision, detail, clock.Elapsed);
    }

    public IEnumerable<Attempt> With(Outcome outcome) => Attempts.Where(a => a.Outcome == outcome);

    /// The history of every item as the service reports it: (item, revision) -> (headline, editor).
    public static async Task<Dictionary<(Guid, long), (string Headline, string? Editor)>> HistoriesAsync(HttpClient client, IEnumerable<Guid> items)
    {
        var entries = new Dictionary<(Guid, long), (string, string?)>();
        foreach (var item in items)
        {
            var history = await client.GetFromJsonAsync<JsonElement[]>($"/api/items/{item}/revisions");
            foreach (var entry in history!)
                entries[(item, entry.GetProperty("revision").GetInt64())] =
                    (entry.GetProperty("headline").GetString()!, entry.GetProperty("editor").GetString());
        }
        return entries;
    }

    /// Rows that only half an edit would leave: an event without its revision row or the reverse,
    /// a stream whose version disagrees with its events or its current row, a broken hash chain.
    /// Marten's own tombstone stream (a row it writes after any refused append) is not an item.
    public static readonly string HalfWrittenSql =
        $"""
        select
          (select count(*) from mt_events e left join eh_item_revisions r on r.item_id = e.stream_id and r.revision = e.version where r.item_id is null)
        + (select count(*) from eh_item_revisions r left join mt_events e on e.stream_id = r.item_id and e.version = r.revision where e.id is null)
        + (select count(*) from mt_streams s where s.version <> (select coalesce(max(version), 0) from mt_events e where e.stream_id = s.id))
        + (select count(*) from mt_streams s left join eh_items i on i.id = s.id where i.revision is distinct from s.version and s.id <> '{JasperFx.Events.Tombstone.StreamId}')
        + (select count(*) from mt_events e left join eh_event_chain c on c.seq_id = e.seq_id left join eh_event_chain p on p.stream_id = e.stream_id and p.version = e.version - 1
           where c.seq_id is null or c.prev_hash is distinct from p.hash)
        + (select count(*) from eh_command_log where first_version = 0)
        """;
}
