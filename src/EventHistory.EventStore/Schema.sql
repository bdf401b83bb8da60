-- What Marten lacks, in tables of our own beside Marten's mt_* tables (which Marten creates and
-- migrates): the hash chain and writing transaction of every event, the command log for
-- idempotent appends.

-- One row per event, written in the append's transaction. tx_id orders the global feed safely
-- (GlobalReader.cs); the hash chain proves the stored events were not altered (HashChain.cs).
create table if not exists eh_event_chain (
    seq_id    bigint primary key,
    stream_id uuid not null,
    version   bigint not null,
    tx_id     xid8 not null default pg_current_xact_id(),
    prev_hash bytea,
    hash      bytea not null,
    constraint eh_event_chain_stream_version unique (stream_id, version)
);
create index if not exists eh_event_chain_tx_id on eh_event_chain (tx_id, seq_id);

create table if not exists eh_command_log (
    command_id    varchar primary key,
    stream_id     uuid not null,
    first_version bigint not null,
    last_version  bigint not null,
    recorded      timestamptz not null default now(),
    -- What the command asked for (a hash of the request): the same id with another request is refused.
    request_hash  bytea
);

-- Async projections keep their positions in Marten's mt_event_progression (Marten's daemon).
drop table if exists eh_projection_progress;

-- The hash covers the previous hash and the event's canonical bytes as PostgreSQL renders them
-- (jsonb text is canonical), so both the writer and the auditor compute it the same way.
-- Stable, as its body is (concat_ws is): PostgreSQL then inlines it into the statement that calls
-- it. Declared immutable it was not inlined, and each call parsed and planned its body again: a
-- third of the chain's time (163 µs an event in an import, 107 µs inlined).
create or replace function eh_event_hash(
    prev bytea, stream uuid, version bigint, type varchar, data jsonb, ts timestamptz, user_name varchar)
returns bytea language sql stable as $$
    select sha256(coalesce(prev, ''::bytea) || convert_to(concat_ws(E'\x1f',
        stream::text, version::text, type, data::text,
        (extract(epoch from ts) * 1000000)::bigint::text, coalesce(user_name, '')), 'UTF8'))
$$;

-- Chains the events that Marten just stored for a batch's streams (stream i: versions
-- from_versions[i]..to_versions[i], in this transaction) onto each stream's last hash, and answers
-- what was stored: the hash is computed from the stored row, whatever the client sent. One call
-- per batch, not per stream (an import of 200 new items a batch paid a statement's and a function
-- call's fixed costs 200 times): the events and each stream's last hash read in one query, the
-- chain rows written in one insert. Each stream's events are read by their own index range (the
-- lateral subquery, kept apart by offset 0): a plain join of the batch's streams to mt_events was
-- planned, for a few streams with long histories (bench measure 1), as a scan of all their events.
create or replace function eh_chain_append_many(streams uuid[], from_versions bigint[], to_versions bigint[])
returns table (stream_id uuid, seq_id bigint, version bigint, recorded timestamptz)
language plpgsql as $$
declare
    e record;
    chained uuid;
    prev bytea;
    seqs bigint[] := '{}';
    ids uuid[] := '{}';
    versions bigint[] := '{}';
    prevs bytea[] := '{}';
    hashes bytea[] := '{}';
    times timestamptz[] := '{}';
begin
    for e in
        select b.stream, m.seq_id, m.version, m.type, m.data, m.timestamp, m.user_name,
               (select c.hash from eh_event_chain c where c.stream_id = b.stream and c.version = b.from_version - 1) as last_hash
        from unnest(streams, from_versions, to_versions) with ordinality as b(stream, from_version, to_version, n)
        cross join lateral (
            select m.seq_id, m.version, m.type, m.data, m.timestamp, m.user_name from mt_events m
            where m.stream_id = b.stream and m.version between b.from_version and b.to_version offset 0) m
        order by b.n, m.version
    loop
        if chained is distinct from e.stream then
            chained := e.stream;
            prev := e.last_hash;
        end if;
        seqs := seqs || e.seq_id;
        ids := ids || e.stream;
        versions := versions || e.version;
        prevs := prevs || prev;
        prev := eh_event_hash(prev, e.stream, e.version, e.type, e.data, e.timestamp, e.user_name);
        hashes := hashes || prev;
        times := times || e.timestamp;
    end loop;
    insert into eh_event_chain (seq_id, stream_id, version, prev_hash, hash)
    select * from unnest(seqs, ids, versions, prevs, hashes);
    return query select * from unnest(ids, seqs, versions, times);
end $$;

-- The chain's function of one stream, before a batch's was: nothing calls it any more.
drop function if exists eh_chain_append(uuid, bigint, bigint);

-- The first statement of every append's one batch, before Marten's append draws any sequence
-- number, so a refused writer burns nothing. In order:
-- 1. enter as an appender of this schema (the shared lock eh_feed_horizon looks for), before the
--    transaction has an id;
-- 2. claim the command id, if any: a concurrent retry waits on the unique key until the first
--    commits or rolls back; a committed one is refused with EH002 (the caller answers the first
--    outcome);
-- 3. take the stream's lock (an advisory lock: a new stream has no row to lock yet) and check the
--    expected version, on a snapshot taken after the lock was granted (each statement of a
--    volatile function takes its own under read committed): EH409, the actual version first;
--    an archived stream is refused first, with EH410 (Marten's archiving takes the same lock, so
--    an append and an archive never cross);
-- 4. refuse with EH40R a transaction whose id is older than that of the stream's last writer
--    (its claim gave it an id before it waited for the lock): global readers order by
--    transaction id, so the caller retries in a new transaction.
create or replace function eh_append_guard(stream uuid, expected bigint, command varchar, request_hash bytea)
returns void language plpgsql volatile as $$
declare
    actual bigint;
    archived boolean;
begin
    perform pg_advisory_xact_lock_shared(1162346500, hashtext(current_schema()));
    if command is not null then
        insert into eh_command_log (command_id, stream_id, first_version, last_version, request_hash)
        values (command, '00000000-0000-0000-0000-000000000000', 0, 0, request_hash) on conflict do nothing;
        if not found then
            raise exception 'command % was appended already', command using errcode = 'EH002';
        end if;
    end if;
    perform pg_advisory_xact_lock(1162346499, hashtext(current_schema() || '/' || stream::text));
    select s.version, s.is_archived into actual, archived from mt_streams s where s.id = stream;
    actual := coalesce(actual, 0);
    if archived then
        raise exception 'stream % is archived', stream using errcode = 'EH410';
    end if;
    if actual <> expected then
        -- The actual version leads the message (Npgsql redacts DETAIL by default).
        raise exception '% is the version of stream %, not %', actual, stream, expected using errcode = 'EH409';
    end if;
    -- Only a transaction that had an id before the lock was granted can be older than the stream's
    -- last writer (one that claimed a command id, or appended to another stream first); one that
    -- gets its id after the lock is newer than every writer that released it.
    if actual > 0 and pg_current_xact_id_if_assigned() is not null then
        if coalesce((select c.tx_id from eh_event_chain c where c.stream_id = stream
                     order by c.version desc limit 1) > pg_current_xact_id(), false) then
            raise exception 'this transaction is older than the last writer of stream %', stream using errcode = 'EH40R';
        end if;
    end if;
end $$;

-- How far each running rebuild of an async projection has got (ProjectionRebuilder): its copies are
-- invisible until they are swapped in, so the status reads its progress here. A row whose rebuild
-- died stays until the next rebuild of that projection; the status shows it only while a rebuild
-- holds the projection's lock.
create table if not exists eh_rebuild_progress (
    name    varchar primary key,
    done    bigint not null,
    total   bigint not null,
    started timestamptz not null,
    updated timestamptz not null
);

-- The async projection stream_event_counts (Daemon/StreamEventCountsProjection.cs).
create table if not exists eh_stream_event_counts (
    stream_id    uuid primary key,
    events       bigint not null,
    last_version bigint not null,
    out_of_order bigint not null,
    last_seq_id  bigint not null
);

-- The horizon of the global order for this schema: every event with a smaller tx_id is committed
-- or never will be. Appenders take a shared advisory lock (1162346500, hashtext(schema)) as the
-- first thing in their transaction, before they have a transaction id. The snapshot is taken
-- first, then the lock holders are read: an appender that was in progress at the snapshot either
-- still holds the lock (and its id bounds the horizon) or has ended; one that got its id after
-- the snapshot has an id at or above the snapshot's xmax. Transactions of other schemas and other
-- databases hold nothing back. Call it in a statement of its own, then read below it in the next
-- statement (read committed gives that statement a newer snapshot).
create or replace function eh_feed_horizon() returns xid8 language plpgsql volatile as $$
declare
    snap pg_snapshot := pg_current_snapshot();
    writer xid8;
begin
    select min(x) into writer
    from pg_snapshot_xip(snap) x
    where (x::text::numeric % 4294967296) in (
        select own.transactionid::text::numeric
        from pg_locks l
        join pg_locks own on own.pid = l.pid and own.locktype = 'transactionid' and own.mode = 'ExclusiveLock' and own.granted
        where l.locktype = 'advisory' and l.granted and l.objsubid = 2
          and l.database = (select oid from pg_database where datname = current_database())
          and l.classid::bigint = 1162346500 and l.objid::bigint = hashtext(current_schema())::bigint & 4294967295);
    return coalesce(least(writer, pg_snapshot_xmax(snap)), pg_snapshot_xmax(snap));
end $$;
