"""The Overview page's questions, asked of the serving snapshot (never the warehouse).

Every function takes the snapshot path, a community id (None for all communities) and an inclusive
date range. Sums over a range and distinct counts follow docs/metrics.md: distinct active members
come from mart_contributor_daily, never from summing daily active counts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from warehouse.serving import query

# `community` is None for all communities; DuckDB needs the parameter typed to compare it with null.
_IN_SCOPE = "(?::varchar is null or community_id = ?::varchar) and day between ?::date and ?::date"

# Ranges longer than this many days are charted per week: member counts stay readable per day for a
# quarter, response times (a median of a handful of questions a day) only for a month.
WEEKLY_AFTER_DAYS = {"members": 92, "response": 31}


def _scope(community: str | None, start: dt.date, end: dt.date) -> list:
    return [community, community, start, end]


def _float(value) -> float | None:
    return None if pd.isna(value) else float(value)


def communities(path: Path) -> pd.DataFrame:
    return query("select community_id, name, source, members, questions, answers, comments, first_activity_day, "
                 "last_activity_day from mart_communities order by members desc, community_id", path=path)


def data_range(path: Path, community: str | None = None) -> tuple[dt.date, dt.date] | None:
    """First and last day with activity or joins: the range the date filter can choose from."""
    row = query("select min(day), max(day) from mart_members_daily "
                "where (?::varchar is null or community_id = ?::varchar)", [community, community], path=path)
    first, last = row.iloc[0, 0], row.iloc[0, 1]
    if pd.isna(first):
        return None
    return pd.Timestamp(first).date(), pd.Timestamp(last).date()


def published_at(path: Path) -> dt.datetime:
    return pd.Timestamp(query("select published_at from snapshot_info", path=path).iloc[0, 0]).to_pydatetime()


@dataclass(frozen=True)
class Kpis:
    new_members: int
    active_members: int
    questions: int
    answers: int
    comments: int
    unanswered_share: float | None  # of the questions asked in the range
    median_hours_to_first_response: float | None  # over the responded questions asked in the range
    p90_hours_to_first_response: float | None
    accepted_share: float | None


def kpis(path: Path, community: str | None, start: dt.date, end: dt.date) -> Kpis:
    row = query(f"""
        with joined as (
            select coalesce(sum(members_joined), 0) as new_members from mart_members_daily where {_IN_SCOPE}
        ), active as (
            select count(distinct member_id) as active_members from mart_contributor_daily where {_IN_SCOPE}
        ), content as (
            select coalesce(sum(questions), 0) as questions, coalesce(sum(answers), 0) as answers,
                   coalesce(sum(comments), 0) as comments
            from mart_content_daily where {_IN_SCOPE}
        ), threads as (
            select avg(is_unanswered::int) as unanswered_share,
                   median(hours_to_first_response) as median_hours,
                   quantile_cont(hours_to_first_response, 0.9) as p90_hours,
                   avg(has_accepted_answer::int) as accepted_share
            from (select *, asked_day as day from mart_thread_response) where {_IN_SCOPE}
        )
        select * from joined, active, content, threads
    """, _scope(community, start, end) * 4, path=path).iloc[0]
    return Kpis(
        new_members=int(row["new_members"]),
        active_members=int(row["active_members"]),
        questions=int(row["questions"]),
        answers=int(row["answers"]),
        comments=int(row["comments"]),
        unanswered_share=_float(row["unanswered_share"]),
        median_hours_to_first_response=_float(row["median_hours"]),
        p90_hours_to_first_response=_float(row["p90_hours"]),
        accepted_share=_float(row["accepted_share"]),
    )


def granularity(chart: str, start: dt.date, end: dt.date) -> str:
    return "week" if (end - start).days + 1 > WEEKLY_AFTER_DAYS[chart] else "day"


def members_over_time(path: Path, community: str | None, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per day or ISO week (Monday): members joined, distinct active members, and members on record."""
    unit = granularity("members", start, end)
    return query(f"""
        with joined as (
            select date_trunc('{unit}', day)::date as period, sum(members_joined) as members_joined
            from mart_members_daily where {_IN_SCOPE} group by all
        ), before as (
            select coalesce(sum(members_joined), 0) as members_before from mart_members_daily
            where (?::varchar is null or community_id = ?::varchar) and day < ?::date
        ), active as (
            select date_trunc('{unit}', day)::date as period, count(distinct member_id) as active_members
            from mart_contributor_daily where {_IN_SCOPE} group by all
        )
        select period, coalesce(members_joined, 0)::bigint as members_joined,
               coalesce(active_members, 0)::bigint as active_members,
               (members_before + sum(coalesce(members_joined, 0)) over (order by period))::bigint as members_total
        from joined full join active using (period), before
        order by period
    """, _scope(community, start, end) + [community, community, start] + _scope(community, start, end),
                 path=path)


def popular_groups(path: Path, community: str | None, start: dt.date, end: dt.date, limit: int = 10) -> pd.DataFrame:
    """The groups with the most content in the range."""
    return query(f"""
        select group_name, any_value(community_id) as community_id, count(distinct community_id) as communities,
               sum(questions)::bigint as questions, sum(answers)::bigint as answers,
               sum(comments)::bigint as comments, sum(content_items)::bigint as content_items
        from mart_group_content_daily where {_IN_SCOPE}
        group by group_name
        order by content_items desc, group_name
        limit {int(limit)}
    """, _scope(community, start, end), path=path)


def top_contributors(path: Path, community: str | None, start: dt.date, end: dt.date,
                     limit: int = 15) -> pd.DataFrame:
    """Members ranked by posts (questions + answers), then accepted answers, then score received."""
    return query(f"""
        select member_id, arg_max(display_name, day) as display_name, any_value(community_id) as community_id,
               sum(posts)::bigint as posts, sum(answers)::bigint as answers,
               sum(accepted_answers)::bigint as accepted_answers, sum(score_received)::bigint as score_received,
               sum(comments)::bigint as comments
        from mart_contributor_daily where {_IN_SCOPE}
        group by member_id
        order by posts desc, accepted_answers desc, score_received desc, member_id
        limit {int(limit)}
    """, _scope(community, start, end), path=path)


def response_over_time(path: Path, community: str | None, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per day or week of asking: questions, unanswered share and median hours to first response."""
    unit = granularity("response", start, end)
    return query(f"""
        select date_trunc('{unit}', asked_day)::date as period, count(*) as questions,
               avg(is_unanswered::int) as unanswered_share,
               median(hours_to_first_response) as median_hours
        from (select *, asked_day as day from mart_thread_response) where {_IN_SCOPE}
        group by all order by period
    """, _scope(community, start, end), path=path)


def unanswered_questions(path: Path, community: str | None, start: dt.date, end: dt.date,
                         limit: int = 10) -> pd.DataFrame:
    """The most recent questions in the range that nobody but the asker has answered."""
    return query(f"""
        select community_id, thread_id, title, asked_at, group_names,
               first_response_at is not null as has_comment_reply
        from (select *, asked_day as day from mart_thread_response)
        where {_IN_SCOPE} and is_unanswered
        order by asked_at desc, thread_id
        limit {int(limit)}
    """, _scope(community, start, end), path=path)


def open_escalations(path: Path, community: str | None, limit: int = 10) -> tuple[dict, pd.DataFrame]:
    """Conversations still unanswered past their group's allowed time, as of the last refresh (not the date
    range: an escalation is open now): how many, how long they have waited, and the longest-waiting ones."""
    scope = [community, community]
    where = "status = 'open' and (?::varchar is null or community_id = ?::varchar)"
    summary = query(f"""
        select count(*) as open, max(hours_waited) as oldest_hours, median(hours_waited) as median_hours
        from mart_escalations where {where}""", scope, path=path).iloc[0]
    oldest = query(f"""
        select e.community_id, e.conversation_id, e.kind, e.group_names, e.escalated_at, e.hours_waited,
               t.title
        from mart_escalations e
        left join mart_thread_response t on t.thread_id = e.conversation_id
        where e.status = 'open' and (?::varchar is null or e.community_id = ?::varchar)
        order by e.hours_waited desc, e.conversation_id
        limit {int(limit)}""", scope, path=path)
    return ({"open": int(summary["open"]), "oldest_hours": _float(summary["oldest_hours"]),
             "median_hours": _float(summary["median_hours"])}, oldest)
