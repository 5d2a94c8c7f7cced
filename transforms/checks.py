"""Checks every mart must pass before it is published: keys unique and not null, values in range.

A failed check stops publishing; the dashboard keeps serving the previous snapshot.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse.db import quote_ident

# Each mart's grain, as the columns that identify a row (docs/metrics.md).
MART_KEYS: dict[str, tuple[str, ...]] = {
    "mart_communities": ("community_id",),
    "mart_members_daily": ("community_id", "day"),
    "mart_content_daily": ("community_id", "day"),
    "mart_group_content_daily": ("community_id", "group_id", "day"),
    "mart_contributor_daily": ("community_id", "member_id", "day"),
    "mart_thread_response": ("thread_id",),
}

# Conditions no row may violate: (mart, description, SQL condition that is true for a bad row).
ROW_RULES: list[tuple[str, str, str]] = [
    ("mart_members_daily", "counts are never negative", "members_joined < 0 or active_members < 0"),
    ("mart_thread_response", "first response comes after the question",
     "hours_to_first_response < 0"),
    ("mart_thread_response", "unanswered means no answers", "is_unanswered <> (answers = 0)"),
    ("mart_contributor_daily", "a member cannot have more accepted answers than answers",
     "accepted_answers > answers"),
]


class MartCheckFailed(RuntimeError):
    """A mart broke its contract; the message lists every failed check."""


@dataclass
class CheckResult:
    mart: str
    check: str
    failing_rows: int


def run_checks(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    results = []
    for mart, key in MART_KEYS.items():
        table = quote_ident(mart)
        cols = ", ".join(quote_ident(c) for c in key)
        nulls = " or ".join(f"{quote_ident(c)} is null" for c in key)
        duplicate_keys = con.execute(
            f"select count(*) from (select {cols} from {table} group by all having count(*) > 1)"
        ).fetchone()[0]
        null_keys = con.execute(f"select count(*) from {table} where {nulls}").fetchone()[0]
        results.append(CheckResult(mart, f"one row per {', '.join(key)}", duplicate_keys))
        results.append(CheckResult(mart, f"{', '.join(key)} never null", null_keys))
    for mart, description, bad_row in ROW_RULES:
        failing = con.execute(f"select count(*) from {quote_ident(mart)} where {bad_row}").fetchone()[0]
        results.append(CheckResult(mart, description, failing))
    return results


def assert_marts_valid(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    results = run_checks(con)
    failed = [r for r in results if r.failing_rows]
    if failed:
        lines = "\n".join(f"  {r.mart}: {r.check} — {r.failing_rows} rows fail" for r in failed)
        raise MartCheckFailed(
            "marts not published, the previous snapshot keeps serving. Failed checks:\n" + lines
            + "\nInspect the rows in the warehouse (townsquare sql) and fix the source or the model."
        )
    return results
