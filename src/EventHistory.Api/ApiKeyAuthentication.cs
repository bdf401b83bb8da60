using System.Security.Claims;
using System.Text.Encodings.Web;
using EventHistory.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace EventHistory.Api;

/// `Authorization: Bearer KEY`: the key's name becomes the caller's name, its role their role.
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.FirstOrDefault();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        // Open endpoints (health) must answer without the database, so they do not look the key up.
        if (Context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.Fail("Use Authorization: Bearer KEY.");
        var holder = await keys.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (holder is null) return AuthenticateResult.Fail("The API key is unknown or revoked.");
        var identity = new ClaimsIdentity(holder.Claims(), SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // A key that was sent but not accepted is told apart from no key at all: the fix differs.
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.Headers.WWWAuthenticate = failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await Results.Problem(statusCode: 401, title: "Unauthorized",
            detail: failure is null
                ? "This needs an API key: send Authorization: Bearer KEY (create one with `eventhistory keys create`)."
                : $"{failure} Check the key you sent, or ask an admin for a new one (`eventhistory keys create`).").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Results.Problem(statusCode: 403, title: "Forbidden", detail: "Your key's role does not allow this.").ExecuteAsync(Context);
}

public static class Policies
{
    public const string Read = "read";
    public const string Edit = "edit";
    public const string Admin = "admin";

    /// Reads are open unless EVENTHISTORY_OPEN_READS=false; writes need an editor key, the rest admin.
    public static void AddPolicies(this WebApplicationBuilder builder)
    {
        var openReads = !string.Equals(builder.Configuration["EVENTHISTORY_OPEN_READS"], "false", StringComparison.OrdinalIgnoreCase);
        // Caching needs it too: an answer that needed a key may go to a private cache only (HttpCaching).
        builder.Services.AddSingleton(new ReadAccess(openReads));
        builder.Services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Read, p => { if (openReads) p.RequireAssertion(_ => true); else p.RequireRole("reader"); })
            .AddPolicy(Edit, p => p.RequireRole("editor"))
            .AddPolicy(Admin, p => p.RequireRole("admin"));
    }
}
