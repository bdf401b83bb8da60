-- Async projections: written by the projection daemon after the append commits.
-- item_search: each item's current headline and summary, for full-text search.
create table if not exists eh_item_search (
    item_id  uuid primary key,
    date     date not null,
    edition  varchar not null,
    slug     text not null,
    headline text not null,
    summary  text not null,
    status   varchar not null,
    document tsvector generated always as (
        setweight(to_tsvector('english', headline), 'A') || setweight(to_tsvector('english', summary), 'B')) stored
);
create index if not exists eh_item_search_document on eh_item_search using gin (document);
