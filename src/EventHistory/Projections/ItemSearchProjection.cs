using EventHistory.EventStore.Daemon;
using EventHistory.NewsItems;
using JasperFx.Events;
using Marten;

namespace EventHistory.Projections;

/// item_search: the current headline and summary of every item, kept by Marten's daemon.
public sealed class ItemSearchProjection : AsyncProjection
{
    public override string Name => "item_search";

    public override IReadOnlyList<string> Tables => ["eh_item_search"];

    protected override void Apply(IDocumentOperations operations, IEvent e)
    {
        switch (e.Data)
        {
            case NewsItemCreated c:
                operations.QueueSqlCommand(
                    """
                    insert into eh_item_search (item_id, date, edition, slug, headline, summary, status)
                    values (?, ?, ?, ?, ?, ?, 'Published')
                    on conflict (item_id) do update set date = excluded.date, edition = excluded.edition, slug = excluded.slug,
                        headline = excluded.headline, summary = excluded.summary, status = excluded.status
                    """,
                    e.StreamId, c.Date, c.Edition, c.Slug, c.Headline, c.Summary);
                break;
            case HeadlineRevised h:
                operations.QueueSqlCommand("update eh_item_search set headline = ?, slug = ? where item_id = ?", h.Headline, h.Slug, e.StreamId);
                break;
            case SummaryRevised s:
                operations.QueueSqlCommand("update eh_item_search set summary = ? where item_id = ?", s.Summary, e.StreamId);
                break;
            case NewsItemReverted v:
                operations.QueueSqlCommand("update eh_item_search set headline = ?, slug = ?, summary = ? where item_id = ?",
                    v.Headline, v.Slug, v.Summary, e.StreamId);
                break;
            case PagePublished p:
                // An imported page is the item's current version (NewsItem.Apply does the same).
                operations.QueueSqlCommand("update eh_item_search set headline = ?, slug = ?, summary = ? where item_id = ?",
                    p.Page.Headline, p.Page.Slug, p.Page.Summary, e.StreamId);
                break;
            case NewsItemRetracted:
                operations.QueueSqlCommand("update eh_item_search set status = 'Retracted' where item_id = ?", e.StreamId);
                break;
            case NewsItemRestored:
                operations.QueueSqlCommand("update eh_item_search set status = 'Published' where item_id = ?", e.StreamId);
                break;
        }
    }
}
