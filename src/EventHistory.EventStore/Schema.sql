-- Marten's event store tables, plus what Marten lacks: the writing transaction id (gap-safe
-- global reads), a hash chain per stream, and a command log for idempotent appends.
create table if not exists mt_streams (
    id          uuid primary key,
    type        varchar,
    version     bigint not null,
    timestamp   timestamptz not null default now(),
    created     timestamptz not null default now(),
    tenant_id   varchar not null default '*DEFAULT*',
    is_archived boolean not null default false,
    last_hash   bytea
);

create sequence if not exists mt_events_sequence;

create table if not exists mt_events (
    seq_id          bigint primary key,
    id              uuid not null,
    stream_id       uuid not null references mt_streams(id),
    version         bigint not null,
    data            jsonb not null,
    type            varchar(500) not null,
    timestamp       timestamptz not null default now(),
    tenant_id       varchar not null default '*DEFAULT*',
    mt_dotnet_type  varchar,
    correlation_id  varchar,
    causation_id    varchar,
    headers         jsonb,
    user_name       varchar,
    is_archived     boolean not null default false,
    tx_id           xid8 not null default pg_current_xact_id(),
    prev_hash       bytea,
    hash            bytea not null,
    constraint mt_events_stream_version unique (stream_id, version)
);

create unique index if not exists mt_events_id on mt_events (id);
create index if not exists mt_events_tx_id on mt_events (tx_id, seq_id);

create table if not exists mt_event_progression (
    name         varchar primary key,
    last_seq_id  bigint,
    last_updated timestamptz default now(),
    last_tx_id   xid8 not null default '0'::xid8
);

create table if not exists eh_command_log (
    command_id    varchar primary key,
    stream_id     uuid not null,
    first_version bigint not null,
    last_version  bigint not null,
    recorded      timestamptz not null default now()
);

-- The hash covers the previous hash and the event's canonical bytes as PostgreSQL renders them
-- (jsonb text is canonical), so both the writer and the auditor compute it the same way.
create or replace function mt_event_hash(
    prev bytea, stream uuid, version bigint, type varchar, data jsonb, ts timestamptz, user_name varchar)
returns bytea language sql immutable as $$
    select sha256(coalesce(prev, ''::bytea) || convert_to(concat_ws(E'\x1f',
        stream::text, version::text, type, data::text,
        (extract(epoch from ts) * 1000000)::bigint::text, coalesce(user_name, '')), 'UTF8'))
$$;

-- The async projection stream_event_counts (Daemon/StreamEventCountsProjection.cs).
create table if not exists eh_stream_event_counts (
    stream_id    uuid primary key,
    events       bigint not null,
    last_version bigint not null,
    out_of_order bigint not null,
    last_seq_id  bigint not null
);
