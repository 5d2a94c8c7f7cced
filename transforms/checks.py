"""Quality rules every mart must pass before it is published (gate "marts"): keys unique and not
null, values in range, columns that must agree with each other. A failed critical rule publishes
nothing; the dashboard keeps serving the previous snapshot."""
from __future__ import annotations

import duckdb

from warehouse import quality
from warehouse.quality import Outcome, QualityGateFailed, Suite, at_least, holds, not_null, unique

# Each mart's grain, as the columns that identify a row (docs/metrics.md).
MART_KEYS: dict[str, tuple[str, ...]] = {
    "mart_communities": ("community_id",),
    "mart_members_daily": ("community_id", "day"),
    "mart_content_daily": ("community_id", "day"),
    "mart_group_content_daily": ("community_id", "group_id", "day"),
    "mart_contributor_daily": ("community_id", "member_id", "day"),
    "mart_thread_response": ("thread_id",),
    "mart_ingest_runs": ("batch_id", "source_file"),
}

# Rules beyond the grain: (mart, rules, computed columns).
EXTRA_RULES: dict[str, tuple[list, dict[str, str]]] = {
    "mart_members_daily": ([at_least("members_joined", 0), at_least("active_members", 0)], {}),
    "mart_thread_response": ([
        at_least("hours_to_first_response", 0),
        holds("unanswered_means_no_answers", "a question is unanswered exactly when it has no answers"),
    ], {"unanswered_means_no_answers": "is_unanswered = (answers = 0)"}),
    "mart_ingest_runs": ([
        holds("reconciles", "every record read was loaded or quarantined"),
    ], {"reconciles": "records_read = records_loaded + records_quarantined"}),
    "mart_contributor_daily": ([
        holds("accepted_within_answers", "a member cannot have more accepted answers than answers"),
    ], {"accepted_within_answers": "accepted_answers <= answers"}),
}


def mart_suites() -> list[Suite]:
    suites = []
    for mart, key in MART_KEYS.items():
        extra, computed = EXTRA_RULES.get(mart, ([], {}))
        suites.append(Suite(mart, mart, [*(not_null(c) for c in key), unique(*key), *extra], computed))
    return suites


def assert_marts_valid(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> list[Outcome]:
    """Check every mart, record the outcomes, and raise QualityGateFailed on a failed critical rule."""
    outcomes = quality.validate(con, mart_suites())
    quality.record(con, outcomes, "marts", run_id)
    message = quality.failure_message(
        outcomes, "Marts not published; the dashboard keeps serving the previous snapshot",
        "Inspect the failing rows in the warehouse and fix the source data or the model, then run again.")
    if message:
        raise QualityGateFailed(message)
    return outcomes
