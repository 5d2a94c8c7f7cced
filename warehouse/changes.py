"""Which days each load changed, so the next mart refresh recomputes only those (docs/transforms.md).

Called inside the load's transaction: the data and the record of what it changed commit together, so a
crash never leaves a change the refresh does not know about. A change to an answer or comment also
marks the day its thread was started, because thread-level marts (first response, resolution) are
partitioned by that day.
"""
from __future__ import annotations

import datetime as dt

import duckdb

_DAYS_OF_STAGED_BATCH = """
    select community_id, created_at::date as day from stage_content
    union all
    select s.community_id, root.created_at::date from stage_content s join content root on root.content_id = s.thread_id
    union all
    -- a thread's answers and comments belong to the groups of its question, topic or tweet: a retag
    -- changes their days too
    select c.community_id, c.created_at::date from content c
    where c.thread_id in (select content_id from stage_content where thread_id = content_id)
    union all
    select community_id, occurred_at::date from stage_interactions
    union all
    -- an accept or a vote can resolve or reorder a thread: the day the thread started changes too
    select i.community_id, root.created_at::date from stage_interactions i
    join content c on c.content_id = i.content_id
    join content root on root.content_id = c.thread_id
    union all
    select community_id, joined_at::date from stage_members
    union all
    select community_id, unnest([created_at, updated_at, first_response_at, solved_at])::date from stage_tickets
    union all
    select community_id, occurred_at::date from stage_ticket_events
    union all
    select community_id, awarded_at::date from stage_badges
"""


def record_batch_changes(con: duckdb.DuckDBPyConnection, recorded_at: dt.datetime) -> None:
    """The days a landing batch touches, from its stage_* tables (ingest/load.py, after the merge)."""
    _record(con, _DAYS_OF_STAGED_BATCH, [], recorded_at)


def record_content_changes(con: duckdb.DuckDBPyConnection, content_ids_sql: str, params: list,
                           recorded_at: dt.datetime | None = None) -> None:
    """The days of the content whose ids `content_ids_sql` selects (a new enrichment, for example), and
    the days their threads started."""
    _record(con, f"""
        select c.community_id, c.created_at::date as day from content c where c.content_id in ({content_ids_sql})
        union all
        select c.community_id, root.created_at::date from content c join content root on root.content_id = c.thread_id
        where c.content_id in ({content_ids_sql})""", params + params, recorded_at)


def _record(con, days_sql: str, params: list, recorded_at: dt.datetime | None) -> None:
    now = recorded_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(f"""insert into refresh_changes
                    select distinct community_id, day, ?::timestamp from ({days_sql}) where day is not null""",
                [now, *params])
