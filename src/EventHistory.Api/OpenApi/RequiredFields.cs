using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EventHistory.Api.OpenApi;

/// Which fields of each request body a request must give. The bodies' members are all nullable so that
/// a missing field reaches the validators and gets a problem naming it, which makes the generator call
/// every positional member required; what is really required is what the validators and handlers
/// refuse to go without, listed here. A body type not listed is an error (so a new body cannot be
/// documented by accident), and OpenApiTests sends each body without each required field to prove
/// the 400, and with only the required fields to prove nothing else is.
public sealed class RequiredFields : IOpenApiSchemaTransformer
{
    public static readonly IReadOnlyDictionary<Type, string[]> Of = new Dictionary<Type, string[]>
    {
        [typeof(ItemEndpoints.CreateBody)] = ["date", "headline"],        // edition defaults to en; topic, summary, sources may be left out
        [typeof(ItemEndpoints.SourceBody)] = ["name", "url"],
        [typeof(ItemEndpoints.HeadlineBody)] = ["headline"],
        [typeof(EditEndpoints.SummaryBody)] = [],                          // a missing summary is an empty one
        [typeof(EditEndpoints.SourceBody)] = ["name", "url"],
        [typeof(EditEndpoints.RelatedBody)] = ["path"],
        [typeof(EditEndpoints.TopicBody)] = [],                            // no topic clears it
        [typeof(EditEndpoints.RevertBody)] = ["revision"],
        [typeof(EditEndpoints.ReasonBody)] = ["reason"],                   // retract and restore need a reason
        [typeof(PageEndpoints.PageBody)] = ["path", "text"],
    };

    public static bool IsRequestBody(Type type) =>
        type.Assembly == typeof(RequiredFields).Assembly && type.DeclaringType is not null && type.Name.EndsWith("Body", StringComparison.Ordinal);

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (!IsRequestBody(type) || context.JsonPropertyInfo is not null) return Task.CompletedTask;
        if (!Of.TryGetValue(type, out var required))
            throw new InvalidOperationException($"{type.FullName} is a request body: list its required fields in {nameof(RequiredFields)}.");
        schema.Required = new HashSet<string>(required);
        foreach (var name in required)
        {
            // A required field may not be null either: null is refused like a missing field.
            if (schema.Properties?.TryGetValue(name, out var property) != true)
                throw new InvalidOperationException($"{type.Name} has no field '{name}'.");
            if (property is OpenApiSchema concrete && concrete.Type is { } t) concrete.Type = t & ~JsonSchemaType.Null;
        }
        return Task.CompletedTask;
    }
}
