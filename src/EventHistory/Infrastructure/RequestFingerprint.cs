using System.Security.Cryptography;
using System.Text.Json;
using EventHistory.EventStore;
using MediatR;

namespace EventHistory.Infrastructure;

/// Binds a command id (Idempotency-Key) to the request it came with, as the IETF Idempotency-Key
/// draft asks: the request's type and every field (item, content, expected revision) are hashed, so
/// the same id sent again with another item, method or body is refused, never answered as a
/// duplicate. Both front doors send the same requests, so both are bound alike.
public sealed class RequestFingerprint<TRequest, TResponse>(EditorContext editor) : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        if (editor.CommandId is null || request is null) return await next();
        // The request being handled is the one an append inside it belongs to; a query sent before
        // it (an archive check) or inside it leaves the command's own hash in place afterwards.
        var outer = editor.RequestHash;
        editor.RequestHash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes<object>(
            new { type = request.GetType().FullName, request }, EventTypes.Json));
        try { return await next(); }
        finally { editor.RequestHash = outer; }
    }
}
