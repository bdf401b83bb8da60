using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using EventHistory.NewsItems;
using Microsoft.AspNetCore.Components;

namespace EventHistory.Web;

/// The rows of the history table, written straight to one string. A page shows up to 500 rows of
/// about 60 markup nodes each; as Razor markup every node is a render-tree frame, copied, diffed and
/// then written out, and every number and time a string of its own: that came to ~15 µs a row, so a
/// history page of 20 rows took 1.4x a one-revision item's (bench measure 9). Here a row is appended
/// once, times and numbers formatted into a stack buffer; text from the store goes through the same
/// HtmlEncoder Razor uses. What the rows show is HistoryPage.razor's business: change both together.
public static class HistoryRows
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    /// <param name="page">The item page's path (.html), which each time links to as of that time (the time machine).</param>
    public static RenderFragment Html(Guid itemId, string page, IReadOnlyList<GetHistoryPage.Entry> entries) => builder =>
    {
        // One markup frame a row: a row is about 1 KB, where the whole table of 50 rows would be a
        // string big enough for the large-object heap.
        var html = new StringBuilder(1400);
        using var writer = new StringWriter(html, CultureInfo.InvariantCulture);
        var self = WebPaths.Item(itemId);
        var encodedPage = Encoder.Encode(page);
        for (var i = 0; i < entries.Count; i++)
        {
            html.Clear();
            var e = entries[i];
            html.Append(e.Current ? "<tr class=\"current\">" : "<tr>");
            // "from" starts on the second row (the newest change selected), or the only one.
            Radio(html, "from", e.Revision, i == 1 || (entries.Count == 1 && i == 0));
            Radio(html, "to", e.Revision, i == 0);

            html.Append("<td><a href=\"").Append(self).Append("/revisions/").Append(e.Revision).Append("\">Revision ").Append(e.Revision).Append("</a>");
            if (e.Revision > 1)
                html.Append(" (<a href=\"").Append(self).Append("/diff?from=").Append(e.Revision - 1).Append("&amp;to=").Append(e.Revision)
                    .Append("\" aria-label=\"prev: what revision ").Append(e.Revision).Append(" changed\">prev</a>)");
            if (e.Current) html.Append(" <strong class=\"badge\">current</strong>");
            html.Append("</td>");

            TimeCell(html, encodedPage, e.EditedAt, Clock.Edited);
            TimeCell(html, encodedPage, e.RecordedAt, Clock.Recorded);
            TextCell(html, writer, e.Editor ?? "unknown");

            html.Append("<td>");
            Encoder.Encode(writer, e.Kind);
            html.Append(" <span class=\"event\">");
            Encoder.Encode(writer, EventName(e.EventType));
            html.Append("</span></td>");

            html.Append("<td>").Append(e.Size).Append(" bytes <span class=\"")
                .Append(e.SizeChange > 0 ? "grew\">(+" : e.SizeChange < 0 ? "shrank\">(" : "same\">(")
                .Append(CultureInfo.InvariantCulture, $"{e.SizeChange}").Append(")</span></td>");

            TextCell(html, writer, e.Reason);
            html.Append("</tr>");
            builder.AddMarkupContent(0, html.ToString());
        }
    };

    private static void Radio(StringBuilder html, string name, long revision, bool isChecked)
    {
        html.Append("<td><input type=\"radio\" name=\"").Append(name).Append("\" value=\"").Append(revision).Append('"');
        if (isChecked) html.Append(" checked");
        html.Append(" aria-label=\"Compare ").Append(name).Append(" revision ").Append(revision).Append("\"></td>");
    }

    /// A time as every page shows it, linked to the item's page as of that time on that clock.
    private static void TimeCell(StringBuilder html, string encodedPage, DateTimeOffset at, Clock clock)
    {
        Span<char> buffer = stackalloc char[40];
        var utc = at.UtcDateTime;
        // "o" keeps the time to the tick, so the view as of it includes the revision made then.
        utc.TryFormat(buffer, out var n, "o", CultureInfo.InvariantCulture);
        html.Append("<td><a href=\"").Append(encodedPage).Append("?asOf=").Append(buffer[..n]);
        if (clock == Clock.Recorded) html.Append("&amp;clock=recorded");
        // "u" ends in 'Z'; the pages write " UTC" (WebContext.Show).
        utc.TryFormat(buffer, out n, "u", CultureInfo.InvariantCulture);
        // "2017-08-02 07:30:05 UTC", in two parts that do not break inside (site.css .nb).
        html.Append("\"><span class=\"nb\">").Append(buffer[..10]).Append("</span> <span class=\"nb\">").Append(buffer[11..(n - 1)]).Append(" UTC</span></a></td>");
    }

    private static void TextCell(StringBuilder html, StringWriter writer, string? text)
    {
        html.Append("<td>");
        if (text is not null) Encoder.Encode(writer, text);
        html.Append("</td>");
    }

    /// "summary_revised" as "summary revised", without a new string for the common names.
    private static string EventName(string type) => Names.TryGetValue(type, out var name) ? name : type.Replace('_', ' ');

    private static readonly Dictionary<string, string> Names =
        GetChanges.EventTypeNames.Concat(["earlier_page_found", "earlier_version_found"]).Distinct().ToDictionary(t => t, t => t.Replace('_', ' '));
}
