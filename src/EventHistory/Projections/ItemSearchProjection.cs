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
        operations.QueueSqlCommand(
            Merge("""
                unnest(?::uuid[], ?::boolean[], ?::integer[], ?::date[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                    as d(item_id, creates, fields, date, edition, slug, headline, summary, status)
                """),
            items, creates, fields, dates, editions, slugs, headlines, summaries, statuses);
    }

    // The row as it stands with the change's columns set; a row that does not exist is written only
    // by a creation (an update of a missing row does nothing).
    protected override string Merge(string changes) => $"""
        insert into eh_item_search as t (item_id, date, edition, slug, headline, summary, status)
        select d.item_id,
            case when d.fields & 1 <> 0 then d.date else r.date end,
            case when d.fields & 2 <> 0 then d.edition else r.edition end,
            case when d.fields & 4 <> 0 then d.slug else r.slug end,
            case when d.fields & 8 <> 0 then d.headline else r.headline end,
            case when d.fields & 16 <> 0 then d.summary else r.summary end,
            case when d.fields & 32 <> 0 then d.status else r.status end
        from {changes}
        left join eh_item_search r on r.item_id = d.item_id
        where d.creates or r.item_id is not null
        on conflict (item_id) do update set date = excluded.date, edition = excluded.edition, slug = excluded.slug,
            headline = excluded.headline, summary = excluded.summary, status = excluded.status
        """;

    public override IReadOnlyList<Type> ReadsDataOf =>
        [typeof(NewsItemCreated), typeof(HeadlineRevised), typeof(SummaryRevised), typeof(NewsItemReverted), typeof(PagePublished)];

    // Fold in SQL (the stored names are pinned by EventTypeNamesTests): each event sets the Field
    // bits Fold gives it, from its stored JSON (a page's fields are those of its page), and each
    // column takes the value of the last event that set it. A creation sets every column, so what
    // came before a stream's last creation is overwritten, as Fold discards it.
    // "The last event that set it" is the first element of array_agg over the rows sorted by stream
    // and newest first: the subquery's sort feeds the groups in that order (PostgreSQL's documented
    // way to order an aggregate's input), one sort of the range where array_agg's own ORDER BY
    // sorted every group again for each of the six columns (a quarter of the grouping's time).
    protected override string ChangesFromEvents => """
        select stream_id as item_id, bool_or(type = 'news_item_created') as creates, bit_or(fields) as fields,
            ((array_agg(date) filter (where fields & 1 <> 0))[1])::date as date,
            (array_agg(edition) filter (where fields & 2 <> 0))[1] as edition,
            (array_agg(slug) filter (where fields & 4 <> 0))[1] as slug,
            (array_agg(headline) filter (where fields & 8 <> 0))[1] as headline,
            (array_agg(summary) filter (where fields & 16 <> 0))[1] as summary,
            (array_agg(status) filter (where fields & 32 <> 0))[1] as status
        from (
            select stream_id, seq_id, type, fields, v->>'date' as date, v->>'edition' as edition, v->>'slug' as slug,
                v->>'headline' as headline, v->>'summary' as summary,
                case when type = 'news_item_retracted' then 'Retracted' else 'Published' end as status
            from (select e.stream_id, e.seq_id, e.type, case when e.type = 'page_published' then e.data->'page' else e.data end as v,
                    case e.type
                    when 'news_item_created' then 63 when 'headline_revised' then 12 when 'summary_revised' then 16
                    when 'news_item_reverted' then 28 when 'page_published' then 28
                    when 'news_item_retracted' then 32 when 'news_item_restored' then 32 else 0 end as fields
                  from events e) e
            where fields <> 0
            -- The fields are taken out of the JSON before the sort, so the rows sorted stay small.
            order by stream_id, seq_id desc) e
        group by stream_id
        """;
}
