using EventHistory.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace EventHistory.Api.OpenApi;

/// Adds to each operation what the pipeline around its handler does, read from the endpoint's own
/// metadata rather than written next to it: the key its policy needs (401, 403 and the security
/// requirement), the checks every request passes (400 for bad headers or input, 429, 503), the body
/// limits (413, 415), the command headers (Idempotency-Key, If-Match; 409, 422), ETag and Location,
/// and for cached reads (HttpCaching) ETag, Cache-Control, If-None-Match and the 304.
/// Every problem response gets an application/problem+json body typed by the shared problem schemas.
public sealed class OperationFacts(IAuthorizationPolicyProvider policies, ReadAccess reads) : IOpenApiOperationTransformer
{
    private static readonly string EveryKeysRole = Enum.GetValues<Role>().Min().ToString().ToLowerInvariant();

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document;
        operation.Responses ??= new OpenApiResponses();

        var roles = await RolesNeededAsync(metadata);
        if (roles is not null)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SharedComponents.Bearer, document)] = [] }];
            Respond(operation, 401, "No API key, or an unknown or revoked one.", header: ("WWW-Authenticate", "The scheme to use: Bearer."));
            if (roles.Any(r => r != EveryKeysRole)) Respond(operation, 403, $"The key's role is not enough: this needs {string.Join(" or ", roles)}.");
        }

        // EditorFromRequest checks Idempotency-Key and the correlation headers on every request.
        Respond(operation, 400, "Bad input (a parameter, the body or a header): the problem names the field.");
        if (!metadata.OfType<DisableRateLimitingAttribute>().Any())
        {
            // The health endpoints are the only ones outside the rate limit, and the only ones that need no database.
            Respond(operation, 429, "Too many requests for this key.", header: ("Retry-After", "Seconds to wait."));
            Respond(operation, 503, "The database cannot be reached; nothing was written. Retry later.", header: ("Retry-After", "Seconds to wait."));
        }
        if (metadata.OfType<PlainTextBodyMetadata>().Any())
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
            };
        if (operation.RequestBody is not null)
        {
            Respond(operation, 413, "The body is larger than the service accepts.");
            Respond(operation, 415, "The body's Content-Type is not the one this operation reads.");
        }

        if (metadata.OfType<AppendsEventsMetadata>().FirstOrDefault() is { } command)
        {
            AddHeader(operation, "Idempotency-Key",
                "A client-chosen id (at most 200 printable characters) for this request: a retry with the same key and request appends nothing " +
                "and answers as the first did; the same key with another request is refused with 422.");
            Respond(operation, 422, "Refused: the edit does not apply to the item, or the Idempotency-Key was first sent with another request.");
            if (command.IfMatch != IfMatchUse.None)
            {
                var required = command.IfMatch == IfMatchUse.Required;
                AddHeader(operation, "If-Match", "The revision this edit is based on, as the strong ETag the item was read with (\"3\"), " +
                    "or * for whatever is current. A stale one is refused with 409 and a weak one (W/\"3\") with 412; neither appends anything." +
                    (required ? " Without it the edit is refused with 428." : " Without it the write applies to whatever is current."), required);
                Respond(operation, 409, "If-Match is stale: the item has moved on (currentRevision); nothing was appended.");
                Respond(operation, 412, "If-Match is a weak ETag, which never matches (RFC 9110 compares If-Match strongly).");
                if (required) Respond(operation, 428, "If-Match is missing: an edit must say which revision it was made on (or *).");
            }
        }

        // ConsistencyTokens: read-your-writes across the primary and a replica (docs/promises.md).
        var isRead = context.Description.HttpMethod is "GET" or "HEAD";
        var readsDatabase = metadata.OfType<DisableRateLimitingAttribute>().Any() is false;
        if (isRead && readsDatabase)
            AddHeader(operation, "Consistency-Token", "The Consistency-Token a write answered: this read then reflects that write " +
                "(a replica serves it only once it has replayed that far, else the primary does).");

        var caching = metadata.OfType<CachingMetadata>().FirstOrDefault();
        if (caching is not null)
        {
            AddHeader(operation, "If-None-Match", "ETags of copies the client has (weak comparison, or *): if one is this answer's, " +
                "the answer is 304 with no body.");
            Respond(operation, 304, "Not modified: the ETag sent in If-None-Match is still this answer's. No body; ETag and Cache-Control as for a 200.");
        }

        foreach (var (code, response) in operation.Responses)
        {
            if (response is not OpenApiResponse concrete) continue;
            if (Described.TryGetValue(code, out var description) && concrete.Description is null or "" or "Not Found" or "Conflict" or "Gone" or "Service Unavailable")
                concrete.Description = description;
            if (int.TryParse(code, out var status) && status >= 400)
                concrete.Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchemaFor(status, operation), document) },
                };
            if (code is "201" or "301" or "302")
                AddResponseHeader(concrete, "Location", code == "201" ? "Where the new resource is." : "Where to go.");
            if (metadata.OfType<SendsETagMetadata>().Any(e => e.Statuses.Any(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture) == code)))
                AddResponseHeader(concrete, "ETag", "The item's revision as a strong ETag (\"3\"): send it as If-Match with the next edit.");
            if (readsDatabase && code.StartsWith('2'))
            {
                if (isRead) AddResponseHeader(concrete, "Read-Source", "Which database answered: primary, or replica (EVENTHISTORY_READ_DB).");
                else AddResponseHeader(concrete, "Consistency-Token", "With a replica configured: the primary's WAL position after this write " +
                    "(such as 0/3000148). Send it with the next read to see the write there (also set as the eh-consistency cookie).");
            }
            if (caching is not null && code is "200" or "304")
            {
                AddResponseHeader(concrete, "ETag", "A strong ETag: " + caching.ETagMeaning);
                AddResponseHeader(concrete, "Cache-Control", CacheControlFacts(caching.Caching)
                    + (caching.Unless is { } unless ? $" When {unless}: {CacheControlFacts(Caching.Revalidated)}" : ""));
            }
        }
    }

    /// The Cache-Control this service sends (public while reads are open, else private) and what it allows.
    private string CacheControlFacts(Caching caching) => HttpCaching.CacheControl(caching, reads.Open) + (caching == Caching.Immutable
        ? ": the answer never changes, so a cache may keep it for a year without asking again (errors are no-store)."
        : ": a cache may keep it but must revalidate it (If-None-Match) before each use (errors are no-store).");

    /// What the problems that endpoints declare themselves (ProducesProblem) mean here.
    private static readonly Dictionary<string, string> Described = new()
    {
        ["404"] = "No such item, revision, page, source or projection.",
        ["409"] = "In conflict with the current state: a stale If-Match, or a projection that is already rebuilding.",
        ["410"] = "The item is archived: its history is kept but hidden (GET with ?includeArchived=true reads it).",
        ["503"] = "The database cannot be reached.",
    };

    private static string ProblemSchemaFor(int status, OpenApiOperation operation) => status switch
    {
        400 => SharedComponents.ValidationProblem,
        409 when operation.Parameters?.Any(p => p.Name == "If-Match") == true => SharedComponents.ConflictProblem,
        422 => SharedComponents.RejectedProblem,
        _ => SharedComponents.Problem,
    };

    /// The roles a key must have, or null when no key is needed (the policy is open, or the endpoint is anonymous).
    private async Task<IReadOnlyList<string>?> RolesNeededAsync(IList<object> metadata)
    {
        if (metadata.OfType<IAllowAnonymous>().Any()) return null;
        var roles = new List<string>();
        foreach (var name in metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct())
            if (await policies.GetPolicyAsync(name) is { } policy)
                roles.AddRange(policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles));
        // Each policy names one role and roles include the ones below them, so the highest is what counts.
        if (roles.Count == 0) return null;
        var highest = roles.Select(r => Enum.Parse<Role>(r, ignoreCase: true)).Max();
        return [highest.ToString().ToLowerInvariant()];
    }

    private static void Respond(OpenApiOperation operation, int status, string description, (string Name, string Description)? header = null)
    {
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!operation.Responses!.TryGetValue(code, out var response))
            operation.Responses[code] = response = new OpenApiResponse { Description = description };
        else if (response is OpenApiResponse { Description: null or "" or "Bad Request" or "Not Found" or "Conflict" or "Gone" or "Service Unavailable" } given)
            given.Description = description;
        if (header is { } h && response is OpenApiResponse concrete) AddResponseHeader(concrete, h.Name, h.Description);
    }

    private static void AddHeader(OpenApiOperation operation, string name, string description, bool required = false)
    {
        operation.Parameters ??= [];
        if (operation.Parameters.Any(p => p.Name == name)) return;
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = name, In = ParameterLocation.Header, Required = required, Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
    }

    private static void AddResponseHeader(OpenApiResponse response, string name, string description)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
    }
}
