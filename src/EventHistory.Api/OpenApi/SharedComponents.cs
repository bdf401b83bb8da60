using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EventHistory.Api.OpenApi;

/// What operations refer to: the API key scheme and the RFC 9457 problem shapes the service answers
/// with (ProblemMapping, ApiKeyAuthentication, Protections, Faults write them).
public sealed class SharedComponents : IOpenApiDocumentTransformer
{
    public const string Bearer = "Bearer";
    public const string Problem = "ProblemDetails";
    public const string ValidationProblem = "ValidationProblemDetails";
    public const string ConflictProblem = "ConflictProblemDetails";
    public const string RejectedProblem = "RejectedProblemDetails";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "EventHistory";
        document.Info.Description = "An event-sourced version history of news items: every edit is an event; every past revision can be read.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "API key",
            Description = "An API key sent as `Authorization: Bearer KEY` (create one with `eventhistory keys create`).",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        var schemas = document.Components.Schemas;
        schemas[Problem] = ProblemSchema("A problem (RFC 9457).");
        schemas[ValidationProblem] = ProblemSchema("Bad input: `errors` names each field (as the JSON names it) with what is wrong.",
            ("errors", new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            }, false));
        schemas[ConflictProblem] = ProblemSchema("A stale If-Match: nothing was appended; `currentRevision` is the item's revision now.",
            ("currentRevision", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" }, true));
        schemas[RejectedProblem] = ProblemSchema("The request was understood but refused: the edit makes no sense for the item, " +
            "or its Idempotency-Key (then in `idempotencyKey`) was first sent with another request.",
            ("idempotencyKey", new OpenApiSchema { Type = JsonSchemaType.String }, false));
        return Task.CompletedTask;
    }

    private static OpenApiSchema ProblemSchema(string description, params (string Name, OpenApiSchema Schema, bool Required)[] extensions)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = description,
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            },
            // Problems may carry more members (traceId, ...).
            AdditionalPropertiesAllowed = true,
        };
        foreach (var (name, extension, required) in extensions)
        {
            schema.Properties[name] = extension;
            if (required) (schema.Required ??= new HashSet<string>()).Add(name);
        }
        return schema;
    }
}
