-- Incremental mart refresh (docs/transforms.md).
-- Days whose input changed since the last refresh: every load (content, interactions, members, tickets,
-- enrichments) adds the (community, day) pairs it touched, in the same transaction as the data; the next
-- refresh recomputes the daily marts' rows for those days (and the days their windows reach) and
-- removes the pairs it consumed, in its own transaction.
create table refresh_changes (
    community_id varchar not null,
    day          date not null,
    recorded_at  timestamp not null
);
-- One row per refresh: what was rebuilt and why, and the fingerprint that decides whether the next
-- refresh may be incremental (model SQL, settings, identity resolution).
create table refresh_runs (
    refreshed_at   timestamp not null,
    as_of          timestamp not null,        -- end of the run's data interval: the marts' "now"
    mode           varchar not null,          -- full, incremental
    reason         varchar not null,          -- why full, or how many days changed
    fingerprint    varchar not null,
    changed_days   bigint not null,
    seconds        double not null
);
-- Each community's calendar (first to last dated record) at the last refresh: when new data moves
-- either end, the days in between are recomputed too (daily marts fill every calendar day).
create table refresh_calendar (
    community_id varchar primary key,
    first_day    date not null,
    last_day     date not null
);
-- Who was whom at the last refresh. When an account already known changes person, bot or staff flag or
-- name, or a new account joins a person already known, people metrics change on days no load touched:
-- the next refresh is full. New accounts of new persons are ordinary changes.
create table refresh_people (
    member_id    varchar primary key,
    person_id    varchar,
    is_bot       boolean,
    is_staff     boolean,
    display_name varchar
);
