using Microsoft.AspNetCore.OpenApi;

namespace EventHistory.Api.OpenApi;

/// The OpenAPI document at /openapi/v1.json. What it says about security, headers, problems and
/// request bodies is derived from the endpoints' own metadata (their policies, their command
/// markers, their Produces lines), so it cannot drift from what the endpoints do.
public static class OpenApiSetup
{
    public static IServiceCollection AddEventHistoryOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.CreateSchemaReferenceId = SchemaNames.ReferenceId;
            options.AddSchemaTransformer<WireTypes>();
            options.AddSchemaTransformer<RequiredFields>();
            options.AddOperationTransformer<OperationFacts>();
            options.AddDocumentTransformer<SharedComponents>();
        });
}
