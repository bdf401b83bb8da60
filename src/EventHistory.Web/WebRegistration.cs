using EventHistory.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Web;

/// The browser's front door, composed into the API host with two calls.
public static class WebRegistration
{
    /// The cookie a signed-in editor carries: their key's holder and role, as the bearer scheme makes them.
    public const string CookieScheme = "EventHistoryWeb";
    private const string EitherScheme = "EventHistoryWebOrBearer";

    /// <param name="bearerScheme">The API's scheme, which keeps answering for /api and for any request with an Authorization header.</param>
    public static IServiceCollection AddEventHistoryWeb(this IServiceCollection services, string bearerScheme)
    {
        services.AddRazorComponents();
        services.AddAntiforgery(o => o.Cookie.Name = "eventhistory-antiforgery");
        services.AddAuthentication()
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "eventhistory-session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = "/sign-in";
                o.AccessDeniedPath = "/sign-in";
                o.ReturnUrlParameter = "returnUrl";
                o.Events.OnValidatePrincipal = RecheckKeyAsync;
            })
            // Who the caller is: the API stays bearer-only (no cookie can act on it, so no cross-site
            // request can); the pages read the session cookie unless a key is sent.
            .AddPolicyScheme(EitherScheme, null, o => o.ForwardDefaultSelector = http =>
                http.Request.Path.StartsWithSegments("/api") || http.Request.Headers.Authorization.Count > 0 ? bearerScheme : CookieScheme);
        services.Configure<AuthenticationOptions>(o => o.DefaultAuthenticateScheme = EitherScheme);
        // The pages' read policy is the API's (open or closed by EVENTHISTORY_OPEN_READS), but a
        // browser it refuses is sent to the sign-in page by the cookie scheme, not given the API's 401.
        services.AddOptions<AuthorizationOptions>().PostConfigure(o =>
        {
            var read = o.GetPolicy(ReadPolicy) ?? throw new InvalidOperationException($"The host defines no '{ReadPolicy}' policy.");
            o.AddPolicy(PagePolicy, new AuthorizationPolicyBuilder(read).AddAuthenticationSchemes(EitherScheme).Build());
        });
        return services;
    }

    public static IEndpointRouteBuilder MapEventHistoryWeb(this IEndpointRouteBuilder app)
    {
        // Pages for people, not operations for clients: the OpenAPI document describes the API only.
        var web = app.MapGroup("").RequireAuthorization(PagePolicy).WithTags(Tag).ExcludeFromDescription();
        // What a browser needs before it has a session, when reads are closed: the sign-in and
        // sign-out pages and the stylesheet they use. Nothing else.
        var door = app.MapGroup("").AllowAnonymous().WithTags(Tag).ExcludeFromDescription();
        door.MapGet("/web/site.css", Stylesheet.Serve);
        AccountPages.Map(door);
        SitePages.Map(web);
        HistoryPages.Map(web);
        ChangesPages.Map(web);
        SourcePages.Map(web);
        EditPages.Map(web);
        return app;
    }

    /// Every page's tag; the OpenAPI tests check that only these are left out of the document.
    public const string Tag = "Web pages";

    /// The API's read policy (Policies.Read in EventHistory.Api): pages are reads; signing in and
    /// editing check the role themselves, with a page that says what to do rather than a 403.
    public const string ReadPolicy = "read";

    /// <see cref="ReadPolicy"/> with the scheme that sends a refused browser to sign in.
    public const string PagePolicy = "web-read";

    private static bool SameRoles(System.Security.Claims.ClaimsPrincipal principal, ApiKeyHolder holder) =>
        principal.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value).ToHashSet()
            .SetEquals(holder.Claims().Where(c => c.Type == System.Security.Claims.ClaimTypes.Role).Select(c => c.Value));

    /// A revoked key ends its sessions at their next request, and a changed role applies at once.
    private static async Task RecheckKeyAsync(CookieValidatePrincipalContext context)
    {
        var key = context.Principal?.FindFirst(AccountPages.KeyClaim)?.Value;
        var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeys>();
        var holder = await keys.AuthenticateAsync(key, context.HttpContext.RequestAborted);
        if (holder is null || holder.Name != context.Principal!.Identity?.Name || !SameRoles(context.Principal, holder))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }
}
