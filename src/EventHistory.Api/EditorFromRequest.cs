using EventHistory.Infrastructure;

namespace EventHistory.Api;

/// Fills the request's EditorContext from the authenticated caller and the request's headers.
public sealed class EditorFromRequest(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http, EditorContext editor)
    {
        editor.Editor = http.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : null;
        editor.CorrelationId = http.Request.Headers["X-Correlation-Id"].FirstOrDefault() ?? http.TraceIdentifier;
        editor.CommandId = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        editor.CausationId = http.Request.Headers["X-Causation-Id"].FirstOrDefault() ?? editor.CommandId ?? http.TraceIdentifier;
        foreach (var (header, value) in new[] { ("Idempotency-Key", editor.CommandId), ("X-Correlation-Id", editor.CorrelationId), ("X-Causation-Id", editor.CausationId) })
            if (value is { Length: > 200 } || value?.Any(char.IsControl) == true)
                return Results.Problem(statusCode: 400, title: "Bad request", detail: $"{header} must be at most 200 printable characters.").ExecuteAsync(http);
        http.Response.Headers["X-Correlation-Id"] = editor.CorrelationId;
        return next(http);
    }
}
