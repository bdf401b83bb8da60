using EventHistory.EventStore;
using EventHistory.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;

namespace EventHistory.Api;

/// Turns what the use cases throw into RFC 9457 problem details; no stack trace leaves the server.
public sealed class ProblemMapping(RequestDelegate next, ILogger<ProblemMapping> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var result = Map(e);
            if (result is null)
            {
                log.LogError(e, "Unhandled error on {Path}", http.Request.Path);
                result = Results.Problem(statusCode: 500, title: "Internal error", detail: "The server could not complete the request.");
            }
            http.Response.Clear();
            await result.ExecuteAsync(http);
        }
    }

    private static IResult? Map(Exception e) => e switch
    {
        ValidationException v => Results.ValidationProblem(
            v.Errors.GroupBy(f => FieldName(f.PropertyName)).ToDictionary(g => g.Key, g => g.Select(f => f.ErrorMessage).ToArray()),
            title: "The request is not valid."),
        ConcurrencyException c => Results.Problem(statusCode: 409, title: "Edit conflict",
            detail: $"The item is at revision {c.ActualVersion}, not {c.ExpectedVersion}. Read it again and retry with If-Match: \"{c.ActualVersion}\".",
            extensions: new Dictionary<string, object?> { ["currentRevision"] = c.ActualVersion }),
        PreconditionException p => Results.Problem(statusCode: p.Status, title: p.Title, detail: p.Message),
        StreamArchivedException a => ArchivedItems.Gone(a.StreamId),
        NotFoundException n => Results.Problem(statusCode: 404, title: "Not found", detail: n.Message),
        EventStore.Daemon.ProjectionBusyException b => Results.Problem(statusCode: 409, title: "Projection busy", detail: b.Message),
        CommandReusedException r => Results.Problem(statusCode: 422, title: "Idempotency-Key reused",
            detail: $"The Idempotency-Key '{r.CommandId}' was first sent with another request (another item, method or body). " +
                    "A retry must repeat its request exactly; a new request needs a new key.",
            extensions: new Dictionary<string, object?> { ["idempotencyKey"] = r.CommandId }),
        EditRejectedException r => Results.Problem(statusCode: 422, title: "Edit rejected", detail: r.Message),
        BadHttpRequestException { InnerException: System.Text.Json.JsonException j } => Faults.MalformedJson(j),
        _ when Faults.IsDatabaseUnavailable(e) => Faults.Unavailable(),
        BadHttpRequestException b when BindingProblems.Translate(b) is { } problem => problem,
        BadHttpRequestException b => Results.Problem(statusCode: b.StatusCode, title: "Bad request", detail: b.Message),
        _ => null,
    };

    /// FluentValidation names fields like the C# properties (Sources[0].Url); clients see JSON names (sources[0].url).
    public static string FieldName(string property) =>
        string.Join('.', property.Split('.').Select(p => p.Length > 0 ? char.ToLowerInvariant(p[0]) + p[1..] : p));
}
