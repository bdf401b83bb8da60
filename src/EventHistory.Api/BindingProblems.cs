using System.Text.RegularExpressions;

namespace EventHistory.Api;

/// ASP.NET's own words when a request cannot be bound to an endpoint's parameters ("Implicit body
/// inferred for parameter...", "Failed to bind parameter \"Guid id\"...") speak of its internals.
/// These are the same refusals in the client's terms: which field, and what it should be.
public static partial class BindingProblems
{
    public static IResult? Translate(BadHttpRequestException e)
    {
        if (e.Message.Contains("but no body was provided", StringComparison.Ordinal)
            || RequiredFromBody().IsMatch(e.Message))
            return Invalid("body", "This request needs a JSON object as its body, such as {\"headline\": \"...\"}; it was empty or null.");
        if (FailedToBind().Match(e.Message) is { Success: true } m)
            return Invalid(m.Groups["name"].Value, Expected(m.Groups["type"].Value, m.Groups["name"].Value, m.Groups["value"].Value));
        if (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return TooLarge(null, MaxBodyBytes(e.Message));
        if (e.StatusCode == StatusCodes.Status415UnsupportedMediaType)
            return Results.Problem(statusCode: 415, title: "Unsupported media type",
                detail: "Send the body as JSON, with Content-Type: application/json.");
        return null;
    }

    /// An answer that has a status and no body yet: ASP.NET refused the request itself (a body over
    /// the limit met while reading it, a route that does not exist) and a problem is written for it.
    public static IResult ForStatus(HttpContext http) =>
        http.Response.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? TooLarge(null, http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize)
            : Results.Problem(statusCode: http.Response.StatusCode);

    public static IResult TooLarge(long? sent, long? limit) => Results.Problem(statusCode: 413, title: "Content too large",
        detail: (sent is { } n ? $"The body is {n} bytes; " : "The body is too large; ")
                + (limit is { } max ? $"this service accepts at most {max} bytes (EVENTHISTORY_MAX_BODY_BYTES)." : "send a smaller one."),
        extensions: limit is { } l ? new Dictionary<string, object?> { ["maxBodyBytes"] = l } : null);

    private static string Expected(string type, string name, string value) => type switch
    {
        "Guid" => $"'{name}' must be a news item id (a UUID such as 775299eb-23e1-545b-a055-82a9ea757792), not '{value}'.",
        "long" or "Int64" or "int" or "Int32" => $"'{name}' must be a whole number (1 or more), not '{value}'.",
        _ => $"'{name}' cannot be '{value}'.",
    };

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is not valid.");

    private static long? MaxBodyBytes(string message) =>
        MaxSize().Match(message) is { Success: true } m && long.TryParse(m.Groups[1].Value, out var n) ? n : null;

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[\w.?]+) (?<name>\w+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex FailedToBind();

    [GeneratedRegex("""^Required parameter "[\w.+?]+ \w+" was not provided from body\.$""")]
    private static partial Regex RequiredFromBody();

    [GeneratedRegex(@"max request body size is (\d+) bytes")]
    private static partial Regex MaxSize();
}
