using System.Globalization;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EventHistory.Web;

/// The hidden field every form posts back so a form on another site cannot act for a signed-in editor.
public sealed record FormToken(string Name, string Value);

/// Marks the pages the time machine shows as of a past time: home, day pages and item pages, the
/// site as its readers saw it. The rest (history, revisions, diffs, source texts, recent changes,
/// search) are the record of every time already; they ignore asOf and show no "as of" banner, and
/// their times link into the time machine instead.
public sealed class InTimeMachine
{
    public static readonly InTimeMachine Page = new();
}

/// What every page needs besides its data: where it is, the time machine's time (null for now, and
/// on pages outside it), who is signed in, and the antiforgery token for its forms.
public sealed record WebContext(string Path, DateTimeOffset? AsOf, Clock Clock, string? User, bool CanEdit, FormToken Token)
{
    public const string AsOfParameter = "asOf";

    /// Whether this page is one the time machine shows as of a time (see <see cref="Web.InTimeMachine"/>).
    public bool InTimeMachine { get; init; }

    public static WebContext For(HttpContext http)
    {
        var query = http.Request.Query;
        var inTimeMachine = http.GetEndpoint()?.Metadata.GetMetadata<InTimeMachine>() is not null;
        var asOf = inTimeMachine ? ParseTime(query[AsOfParameter].FirstOrDefault()) : null;
        var clock = string.Equals(query["clock"].FirstOrDefault(), "recorded", StringComparison.OrdinalIgnoreCase) ? Clock.Recorded : Clock.Edited;
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        var user = http.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : null;
        return new WebContext(http.Request.Path.Value ?? "/", asOf, clock, user, http.User.IsInRole("editor"),
            new FormToken(tokens.FormFieldName, tokens.RequestToken!)) { InTimeMachine = inTimeMachine };
    }

    /// The API's ISO forms, and what a datetime-local field sends ("2017-08-10T12:00", no offset: UTC).
    public static DateTimeOffset? ParseTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (IsoTime.TryParse(text, out var at)) return at;
        return DateTimeOffset.TryParseExact(text.Trim(), ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at) ? at : null;
    }

    /// A link that stays in the same time (the time machine follows every link until "back to now").
    public string Link(string path) => AsOf is null ? path : path + (path.Contains('?') ? "&" : "?") + TimeQuery;

    public string TimeQuery => AsOf is { } at
        ? $"{AsOfParameter}={Uri.EscapeDataString(Iso(at))}" + (Clock == Clock.Recorded ? "&clock=recorded" : "")
        : "";

    /// A site page (.html) as of a time: the view a history's times and a revision link to.
    public static string AsOfLink(string htmlPath, DateTimeOffset at, Clock clock) =>
        // To the tick ("o"): the view as of a revision's own time includes that revision.
        $"{htmlPath}?{AsOfParameter}={at.UtcDateTime.ToString("o", CultureInfo.InvariantCulture)}" + (clock == Clock.Recorded ? "&clock=recorded" : "");

    // The standard "s" and "u" formats have a fast path.
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("s", CultureInfo.InvariantCulture) + "Z";

    /// How times read on every page: UTC, to the second, the same on both clocks.
    public static string Show(DateTimeOffset at) => at.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)[..^1] + " UTC";
}

/// Where the site's pages live: the .md paths the store knows, as .html pages.
public static class WebPaths
{
    public static string Html(string mdPath) => mdPath.EndsWith(".md", StringComparison.Ordinal) ? mdPath[..^3] + ".html" : mdPath;
    public static string Md(string htmlPath) => htmlPath.EndsWith(".html", StringComparison.Ordinal) ? htmlPath[..^5] + ".md" : htmlPath;
    public static string Day(string edition, DateOnly date) => ItemPaths.DayFolder(edition, date) + "/index.html";
    public static string Item(Guid id) => $"/items/{id}";
    public static string History(Guid id) => $"/items/{id}/history";
    public static string Revision(Guid id, long revision) => $"/items/{id}/revisions/{revision}";
    public static string Diff(Guid id, long from, long to) => $"/items/{id}/diff?from={from}&to={to}";
    public static string Edit(Guid id) => $"/items/{id}/edit";
    public static string Sources(Guid id) => $"/items/{id}/sources";

    /// Only http(s) addresses become links: an imported page could carry any scheme (javascript: included).
    public static bool IsWebUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
