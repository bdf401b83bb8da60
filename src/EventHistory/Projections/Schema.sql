-- Inline projections: written in the same transaction as the events, so never stale.
create table if not exists eh_items (
    id          uuid primary key,
    revision    bigint not null,
    date        date not null,
    headline    text not null,
    slug        text not null,
    path        text not null,
    edition     varchar not null,
    status      varchar not null,
    edited_at   timestamptz not null,
    recorded_at timestamptz not null,
    state       jsonb not null
);
create index if not exists eh_items_date on eh_items (date);

-- One row per revision, so reading revision 1 of a long history costs what reading the current one does.
create table if not exists eh_item_revisions (
    item_id     uuid not null,
    revision    bigint not null,
    event_type  varchar not null,
    headline    text not null,
    edited_at   timestamptz not null,
    recorded_at timestamptz not null,
    editor      varchar,
    reason      text,
    state       jsonb not null,
    -- The event's own edit time; edited_at is the item's edit clock, which never goes back.
    event_edited_at timestamptz,
    primary key (item_id, revision)
);

-- Every path an item ever had resolves to it.
create table if not exists eh_item_paths (
    path           text primary key,
    item_id        uuid not null,
    first_revision bigint not null
);
create index if not exists eh_item_paths_item on eh_item_paths (item_id);

-- API keys: only their hashes are kept.
create table if not exists eh_api_keys (
    name     varchar primary key,
    role     varchar not null check (role in ('reader', 'editor', 'admin')),
    key_hash bytea not null unique,
    created  timestamptz not null default now(),
    revoked  timestamptz
);

-- The revision's content size (GetHistoryPage.ContentSize): kept at insert so a history page does
-- not render every row's sources and related items as text again; null on rows projected before
-- the column existed, which the history page computes as it reads them (a rebuild fills them in).
alter table eh_item_revisions add column if not exists content_size int;

-- As-of reads take the newest revision at or before a time on either clock, ties going to the later revision.
create index if not exists eh_item_revisions_as_of_edited on eh_item_revisions (item_id, edited_at desc, revision desc);
create index if not exists eh_item_revisions_as_of_recorded on eh_item_revisions (item_id, recorded_at desc, revision desc);
-- They serve every read by time; the plain (item_id, edited_at) and (item_id, recorded_at) indexes
-- that came before them only cost every revision two more index entries.
drop index if exists eh_item_revisions_edited;
drop index if exists eh_item_revisions_recorded;

-- An item's state is JSON of several KiB, which PostgreSQL compresses: lz4 costs about a third of
-- the CPU of the default pglz on these states (an import writes each state twice: current and
-- revision) and stores them smaller. Changed once (the check keeps start-ups from locking the
-- tables), and only where the server was built with lz4.
do $$
begin
    if (select attcompression from pg_attribute where attrelid = 'eh_items'::regclass and attname = 'state') <> 'l' then
        alter table eh_items alter column state set compression lz4;
    end if;
    if (select attcompression from pg_attribute where attrelid = 'eh_item_revisions'::regclass and attname = 'state') <> 'l' then
        alter table eh_item_revisions alter column state set compression lz4;
    end if;
exception when feature_not_supported then null;
end $$;
