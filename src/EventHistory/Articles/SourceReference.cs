using System.Globalization;
using EventHistory.Infrastructure;
using EventHistory.NewsItems;

namespace EventHistory.Articles;

/// A SOURCE argument: the source's 1-based position in the item's current sources, or its URL.
/// Reads also find a source that was removed after its text was captured, by URL.
public static class SourceReference
{
    public static Source Resolve(NewsItem item, string reference, IEnumerable<Source>? captured = null)
    {
        var text = reference.Trim();
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            var position = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
            if (position >= 1 && position <= item.Sources.Count) return item.Sources[position - 1];
            throw new NotFoundException(
                $"Source {text} of news item {item.Id} (it has {item.Sources.Count} source{(item.Sources.Count == 1 ? "" : "s")}, numbered from 1)");
        }
        // A URL in a path segment reaches us with its slashes still escaped (servers keep %2F).
        var candidates = new[] { text, text.Replace("%2F", "/").Replace("%2f", "/"), Uri.UnescapeDataString(text) };
        var known = item.Sources.Concat(captured ?? []).ToList();
        foreach (var url in candidates)
            if (known.FirstOrDefault(s => s.Url == url) is { } found) return found;
        throw new NotFoundException($"Source '{candidates[1]}' of news item {item.Id}");
    }
}
