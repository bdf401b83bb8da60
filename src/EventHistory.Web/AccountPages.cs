using System.Security.Claims;
using EventHistory.Access;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Web;

/// Editors sign in with their API key; the session cookie then carries the key holder's name and
/// role, the same claims the bearer scheme makes, so the audit trail names the same holder.
public static class AccountPages
{
    /// The key itself, inside the encrypted cookie, so each request checks it is still live (see RecheckKeyAsync).
    public const string KeyClaim = "eventhistory:key";

    public static void Map(RouteGroupBuilder web)
    {
        web.MapGet("/sign-in", (string? returnUrl, HttpContext http) =>
            Html.Guard(http, ctx => Task.FromResult(SignInForm(http, ctx, returnUrl, null, 200))));

        web.MapPost("/sign-in", async (HttpContext http, ApiKeys keys, CancellationToken ct) =>
        {
            if (await Forms.ReadAsync(http) is not { } form) return Forms.Refused(http);
            var returnUrl = form["returnUrl"].FirstOrDefault();
            var holder = await keys.AuthenticateAsync(form["key"].FirstOrDefault()?.Trim(), ct);
            if (holder is null) return SignInForm(http, WebContext.For(http), returnUrl, "That key is unknown or revoked.", 400);
            var identity = new ClaimsIdentity(
                [.. holder.Claims(), new Claim(KeyClaim, form["key"].First()!.Trim())],
                WebRegistration.CookieScheme);
            await http.SignInAsync(WebRegistration.CookieScheme, new ClaimsPrincipal(identity));
            return Results.Redirect(IsLocal(returnUrl) ? returnUrl! : "/");
        });

        web.MapPost("/sign-out", async (HttpContext http) =>
        {
            if (await Forms.ReadAsync(http) is null) return Forms.Refused(http);
            await http.SignOutAsync(WebRegistration.CookieScheme);
            return Results.Redirect("/");
        });
    }

    private static IResult SignInForm(HttpContext http, WebContext ctx, string? returnUrl, string? error, int status) =>
        Html.Page<Components.SignInPage>(http, new { Ctx = ctx, ReturnUrl = IsLocal(returnUrl) ? returnUrl : null, Error = error }, status);

    /// Only our own pages: a sign-in link must not send an editor on to another site.
    public static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}

/// Every form post is checked for its antiforgery token before anything is read from it.
public static class Forms
{
    public static async Task<IFormCollection?> ReadAsync(HttpContext http)
    {
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http)) return null;
        return await http.Request.ReadFormAsync(http.RequestAborted);
    }

    public static IResult Refused(HttpContext http) => Html.Message(http, WebContext.For(http), 400, "Form expired",
        "This form was not sent from a page of this site, or it has expired. Go back, reload the page and send it again.");
}
