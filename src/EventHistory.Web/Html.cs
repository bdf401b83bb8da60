using EventHistory.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventHistory.Web;

/// Renders a page component as the response (static server rendering: HTML only, no script).
public static class Html
{
    /// Only our own origin: a page that tried to load anything from elsewhere would be refused by the browser.
    private const string Policy = "default-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IResult Page<T>(HttpContext http, object parameters, int status = 200) where T : IComponent
    {
        http.Response.Headers.ContentSecurityPolicy = Policy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-cache";
        return new RazorComponentResult<T>(parameters) { StatusCode = status };
    }

    /// What the use cases refuse, as a page a reader can act on rather than a problem document.
    public static async Task<IResult> Guard(HttpContext http, Func<WebContext, Task<IResult>> page)
    {
        var ctx = WebContext.For(http);
        try
        {
            return await page(ctx);
        }
        catch (NotFoundException e)
        {
            return Message(http, ctx, 404, "Not found", e.Message);
        }
        catch (ValidationException e)
        {
            return Message(http, ctx, 400, "Not a valid request", string.Join(" ", e.Errors.Select(f => f.ErrorMessage)));
        }
    }

    public static IResult Message(HttpContext http, WebContext ctx, int status, string title, string text) =>
        Page<Components.MessagePage>(http, new { Ctx = ctx, Title = title, Text = text }, status);
}
