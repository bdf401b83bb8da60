using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EventHistory.Api.OpenApi;

/// Minimal APIs read numbers from JSON strings too ("3"), so the generator types every number as
/// integer-or-string with a digits pattern. The service always writes numbers as numbers, and a
/// client should send them so: the document says integer (or number), which generated clients map
/// to long and int instead of object.
public sealed class NumbersAsNumbers : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String) && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        return Task.CompletedTask;
    }
}
