using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Api.Tests;

public enum Needs { NoKey, Read, Edit, Admin }

public sealed record CatalogedEndpoint(string Method, string Template, string Path, Needs? Needs, string? Problem, bool IsWebPage = false)
{
    public override string ToString() => $"{Method} {Template}";
}

/// Every endpoint the running app maps, with the policy it declares and a concrete path to call it,
/// so tests cover endpoints they have never heard of.
public static class EndpointCatalog
{
    /// Endpoints that are deliberately open to everyone, whatever the configuration.
    /// The browser's sign-in and sign-out pages and their stylesheet are open too: with reads closed a
    /// browser must reach them to start a session (WebRegistration's "door").
    public static readonly string[] AnonymousByDesign = ["/health/live", "/health/ready", "/sign-in", "/sign-out", "/web/site.css"];

    public static IReadOnlyList<CatalogedEndpoint> Of(WebApplication app) =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => Describe(e, m)))
            .OrderBy(e => e.Template).ThenBy(e => e.Method)
            .ToList();

    /// A page of the browser's site (EventHistory.Web), by its group's tag.
    public static bool IsWebPage(Endpoint endpoint) =>
        endpoint.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Http.Metadata.ITagsMetadata>().Any(t => t.Tags.Contains(Web.WebRegistration.Tag));

    public static bool IsLeftOutOfTheDocument(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true };

    public static CatalogedEndpoint Describe(RouteEndpoint endpoint, string method)
    {
        var template = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
        var (needs, problem) = NeedsOf(endpoint, template);
        return new CatalogedEndpoint(method, template, Fill(endpoint.RoutePattern), needs, problem, IsWebPage(endpoint));
    }

    /// The policy an endpoint needs; a group's Read under an endpoint's Edit means Edit (every editor is a reader).
    private static (Needs?, string?) NeedsOf(Endpoint endpoint, string template)
    {
        var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
        var authorize = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
        if (anonymous)
            return AnonymousByDesign.Contains(template) ? (Needs.NoKey, null) : (null, "allows anonymous callers but is not a health endpoint or the sign-in door");
        if (authorize.Count == 0) return (null, "declares no policy");
        if (authorize.Any(a => !string.IsNullOrEmpty(a.Roles) || !string.IsNullOrEmpty(a.AuthenticationSchemes)))
            return (null, "names roles or schemes instead of one of Policies.Read/Edit/Admin");
        var policies = authorize.Select(a => a.Policy).Distinct().ToList();
        var known = policies.Select(p => p switch
        {
            Policies.Read => Needs.Read,
            Policies.Edit => Needs.Edit,
            Policies.Admin => Needs.Admin,
            // The pages' read policy: Policies.Read, with the cookie scheme sending a refused browser to sign in.
            Web.WebRegistration.PagePolicy when IsWebPage(endpoint) => Needs.Read,
            _ => (Needs?)null,
        }).ToList();
        if (known.Any(k => k is null)) return (null, $"uses a policy that is not ours ({string.Join(", ", policies.Select(p => p ?? "default"))})");
        return (known.Max(), null);
    }

    /// A concrete path for a template: {id:guid} gets a fresh guid, {revision:long} 1, and so on.
    public static string Fill(RoutePattern pattern)
    {
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => Uri.EscapeDataString(ValueFor(parameter)).Replace("%2F", "/"),
            _ => "",
        })));
        return "/" + string.Join('/', segments);
    }

    private static string ValueFor(RoutePatternParameterPart parameter)
    {
        var constraints = parameter.ParameterPolicies.Select(p => p.Content ?? "").ToList();
        bool Has(string name) => constraints.Any(c => c.StartsWith(name, StringComparison.OrdinalIgnoreCase));
        var name = parameter.Name.ToLowerInvariant();
        if (Has("guid")) return Guid.NewGuid().ToString();
        if (Has("datetime")) return "2018-01-10";
        if (Has("bool")) return "true";
        if (Has("decimal") || Has("double") || Has("float")) return "1.5";
        if (constraints.FirstOrDefault(c => c.StartsWith("min(", StringComparison.OrdinalIgnoreCase) || c.StartsWith("range(", StringComparison.OrdinalIgnoreCase)) is { } bound)
            return bound[(bound.IndexOf('(') + 1)..].Split(',', ')')[0];
        if (Has("long") || Has("int")) return name switch { "year" => "2018", "month" => "1", "day" => "10", _ => "1" };
        if (parameter.IsCatchAll) return "news/2018/01/10/some-item.md";
        return name switch
        {
            "year" => "2018",
            "month" => "01",
            "day" => "10",
            "date" or "from" or "to" or "since" or "until" => "2018-01-10",
            "edition" or "lang" or "language" => "en",
            "revision" or "version" => "1",
            "name" => "some-name",
            _ when name.Contains("id") => Guid.NewGuid().ToString(),
            _ when Has("alpha") => "abc",
            _ => "some-" + name,
        };
    }

    public static string Describe(IEnumerable<CatalogedEndpoint> endpoints) =>
        string.Join("\n", endpoints.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e}: {e.Problem ?? e.Needs.ToString()}")));
}
