using EventHistory.EventStore.Daemon;
using EventHistory.NewsItems;
using JasperFx.Events;
using Marten;

namespace EventHistory.Projections;

/// item_search: the current headline and summary of every item, kept by Marten's daemon.
public sealed class ItemSearchProjection : StreamRowProjection<ItemSearchProjection.Change>
{
    public override string Name => "item_search";

    public override IReadOnlyList<string> Tables => ["eh_item_search"];

    /// The columns a change sets (Fields), with their values. Creates: the item was created in the
    /// batch, so its row is written whole (inserted or overwritten); otherwise the change only
    /// updates a row that exists.
    public sealed class Change
    {
        public bool Creates;
        public Field Fields;
        public DateOnly Date;
        public string? Edition, Slug, Headline, Summary, Status;
    }

    [Flags]
    public enum Field
    {
        None = 0, Date = 1, Edition = 2, Slug = 4, Headline = 8, Summary = 16, Status = 32,
        All = Date | Edition | Slug | Headline | Summary | Status,
    }

    /// The per-event rule: what each event does to the item's row.
    public override Change? Fold(Change? change, IEvent e)
    {
        switch (e.Data)
        {
            case NewsItemCreated c:
                // Creation writes every column: whatever the batch did to the item before is gone.
                return new Change
                {
                    Creates = true, Fields = Field.All, Date = c.Date, Edition = c.Edition, Slug = c.Slug,
                    Headline = c.Headline, Summary = c.Summary, Status = "Published",
                };
            case HeadlineRevised h:
                return Set(change, Field.Headline | Field.Slug, x => (x.Headline, x.Slug) = (h.Headline, h.Slug));
            case SummaryRevised s:
                return Set(change, Field.Summary, x => x.Summary = s.Summary);
            case NewsItemReverted v:
                return Set(change, Field.Headline | Field.Slug | Field.Summary, x => (x.Headline, x.Slug, x.Summary) = (v.Headline, v.Slug, v.Summary));
            case PagePublished p:
                // An imported page is the item's current version (NewsItem.Apply does the same).
                return Set(change, Field.Headline | Field.Slug | Field.Summary,
                    x => (x.Headline, x.Slug, x.Summary) = (p.Page.Headline, p.Page.Slug, p.Page.Summary));
            case NewsItemRetracted:
                return Set(change, Field.Status, x => x.Status = "Retracted");
            case NewsItemRestored:
                return Set(change, Field.Status, x => x.Status = "Published");
            default:
                return change;
        }
    }

    private static Change Set(Change? change, Field fields, Action<Change> set)
    {
        change ??= new Change();
        change.Fields |= fields;
        set(change);
        return change;
    }

    protected override void Write(IDocumentOperations operations, IReadOnlyList<(Guid Stream, Change Change)> changes)
    {
        var n = changes.Count;
        var (items, creates, fields, dates) = (new Guid[n], new bool[n], new int[n], new DateOnly[n]);
        var (editions, slugs, headlines, summaries, statuses) = (new string?[n], new string?[n], new string?[n], new string?[n], new string?[n]);
        for (var i = 0; i < n; i++)
        {
            var (item, c) = changes[i];
            (items[i], creates[i], fields[i], dates[i]) = (item, c.Creates, (int)c.Fields, c.Date);
            (editions[i], slugs[i], headlines[i], summaries[i], statuses[i]) = (c.Edition, c.Slug, c.Headline, c.Summary, c.Status);
        }
        // One statement for the batch: the row as it stands with the change's columns set; a row
        // that does not exist is written only by a creation (an update of a missing row does nothing).
        operations.QueueSqlCommand(
            """
            insert into eh_item_search as t (item_id, date, edition, slug, headline, summary, status)
            select d.item_id,
                case when d.fields & 1 <> 0 then d.date else r.date end,
                case when d.fields & 2 <> 0 then d.edition else r.edition end,
                case when d.fields & 4 <> 0 then d.slug else r.slug end,
                case when d.fields & 8 <> 0 then d.headline else r.headline end,
                case when d.fields & 16 <> 0 then d.summary else r.summary end,
                case when d.fields & 32 <> 0 then d.status else r.status end
            from unnest(?::uuid[], ?::boolean[], ?::integer[], ?::date[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                as d(item_id, creates, fields, date, edition, slug, headline, summary, status)
            left join eh_item_search r on r.item_id = d.item_id
            where d.creates or r.item_id is not null
            on conflict (item_id) do update set date = excluded.date, edition = excluded.edition, slug = excluded.slug,
                headline = excluded.headline, summary = excluded.summary, status = excluded.status
            """,
            items, creates, fields, dates, editions, slugs, headlines, summaries, statuses);
    }
}
