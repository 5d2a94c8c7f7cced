"""Quality rules every mart must pass before it is published (gate "marts"): keys unique and not
null, values in range, columns that must agree with each other. A failed critical rule publishes
nothing; the dashboard keeps serving the previous snapshot."""
from __future__ import annotations

import duckdb

from warehouse import quality
from transforms.model import load_models
from warehouse.quality import Outcome, QualityGateFailed, Suite, between, holds, not_null, unique

def mart_suites() -> list[Suite]:
    """One suite per mart, from its header (transforms/model.py): its key unique and never null, each
    declared range, each declared check."""
    suites = []
    for model in load_models():
        if not model.is_mart:
            continue
        rules = [*(not_null(c) for c in model.key), *([unique(*model.key)] if model.key else [])]
        rules += [between(r.column, r.minimum, r.maximum) for r in model.ranges]
        computed = {}
        for n, check in enumerate(model.checks):
            computed[f"check_{n}"] = f"coalesce(({check.condition}), false)"
            rules.append(holds(f"check_{n}", check.description))
        suites.append(Suite(model.name, model.name, rules, computed))
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
