using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace EventHistory.Api;

/// The optional JSON body of a DELETE, read with the same strict rules as every other body.
public static class DeleteBody
{
    /// null when the request has no body. A body and query parameters together are refused:
    /// the request would say two things and one of them would be dropped.
    public static async Task<T?> ReadAsync<T>(HttpContext http, string? anyQueryValue, CancellationToken ct) where T : class
    {
        if (http.Request.ContentLength is 0 || (http.Request.ContentLength is null && !http.Request.Headers.ContainsKey("Transfer-Encoding")))
            return null;
        if (!http.Request.HasJsonContentType())
            throw new BadHttpRequestException("Expected a supported JSON media type.", StatusCodes.Status415UnsupportedMediaType);
        if (anyQueryValue is not null)
            throw QueryParameters.Invalid("body", "Give what to remove either in the query or in a JSON body, not both.");
        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, options, ct)
                ?? throw QueryParameters.Invalid("body", "The body is null; send a JSON object or no body.");
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException("The body is not valid JSON.", StatusCodes.Status400BadRequest, e);
        }
    }
}
