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
        http.Response.Headers["X-Correlation-Id"] = editor.CorrelationId;
        return next(http);
    }
}
