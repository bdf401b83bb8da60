-- Captured source article texts: one row per version of one source's text, written inline with
-- its SourceTextCaptured event. The body is the captured UTF-8 bytes, returned as they came.
create table if not exists eh_source_texts (
    item_id      uuid not null,
    source_url   text not null,
    version      int not null,
    source_name  text not null,
    revision     bigint not null,
    captured_at  timestamptz not null,
    recorded_at  timestamptz not null,
    article_date date,
    trivial      boolean not null,
    sha256       varchar(64) not null,
    byte_count   int not null,
    editor       varchar,
    reason       text,
    body         bytea not null,
    primary key (item_id, source_url, version)
);
create unique index if not exists eh_source_texts_revision on eh_source_texts (item_id, revision);
