using EventHistory.EventStore;
using EventHistory.NewsItems;

namespace EventHistory.Articles;

/// The text of one of the item's source articles as it read at EditedAt (the capture time).
/// Version counts the captures of that source; the text is kept exactly as given, so that an
/// export gives back the captured bytes. Trivial marks a change of whitespace or the date line only.
public sealed record SourceTextCaptured(
    string SourceUrl, string SourceName, int Version, string Text, DateOnly? ArticleDate, bool Trivial, string Sha256,
    DateTimeOffset EditedAt, string? Reason = null) : INewsItemAttachment;

public static class SourceTextEventTypes
{
    /// Fixed forever, like the item's own (EventTypeNamesTests pins it).
    public static EventTypes Register(EventTypes types) => types.Register<SourceTextCaptured>("source_text_captured");
}
