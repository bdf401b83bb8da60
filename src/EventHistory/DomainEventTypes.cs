using EventHistory.Articles;
using EventHistory.EventStore;
using EventHistory.NewsItems;
using EventHistory.Pages;

namespace EventHistory;

/// Every stored event and stream name of the domain. Each feature registers the events it owns,
/// so the item's events need not know the features that append beside them.
public static class DomainEventTypes
{
    public static EventTypes Register(EventTypes types) =>
        DayPageEventTypes.Register(SourceTextEventTypes.Register(NewsItemEventTypes.Register(types)));
}
