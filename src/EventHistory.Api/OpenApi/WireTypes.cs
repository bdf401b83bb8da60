using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EventHistory.Api.OpenApi;

/// The JSON types the service writes, where the generator's schema is looser than that:
/// - Minimal APIs read numbers from JSON strings too ("3"), so the generator types every number as
///   integer-or-string with a digits pattern. The service always writes numbers as numbers, and a
///   client should send them so: the document says integer (or number), which clients map to long.
/// - Enums are written as their names (JsonStringEnumConverter), but their schemas carry only the
///   list of names; without "type": "string" a generated client reads them as numbers and fails.
public sealed class WireTypes : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String) && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        if (schema.Type is null && schema.Enum is { Count: > 0 } names && names.All(n => n?.GetValueKind() == JsonValueKind.String))
            schema.Type = JsonSchemaType.String;
        return Task.CompletedTask;
    }
}
