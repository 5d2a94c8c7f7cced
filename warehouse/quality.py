"""Quality gates: Great Expectations suites, defined in code, run on tables read from DuckDB.

A suite reads one table (only the columns its rules need, plus computed columns for rules that span
columns) into a DataFrame and validates it in an ephemeral GX context. Each rule has a severity:
a failed *critical* rule stops what comes next (a batch is not merged, marts are not published and
the dashboard keeps the previous snapshot); a failed *warning* is recorded and reported only.
Every outcome is written to `quality_results`.

GX runs on DataFrames rather than through its SQL datasource: its SQL path over duckdb-engine fails
every expectation (GX issues 10738 and 11579).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from dataclasses import dataclass, field
from functools import cache

import duckdb

from warehouse.db import quote_ident

CRITICAL, WARNING = "critical", "warning"


@dataclass(frozen=True)
class Rule:
    description: str                     # what must hold, in the users' words
    expectation: str                     # GX expectation class name, e.g. "ExpectColumnValuesToNotBeNull"
    kwargs: dict = field(default_factory=dict)
    severity: str = CRITICAL


@dataclass(frozen=True)
class Suite:
    name: str
    table: str
    rules: list[Rule]
    computed: dict[str, str] = field(default_factory=dict)  # column name -> SQL expression over the table

    def columns(self) -> list[str]:
        needed: list[str] = []
        for rule in self.rules:
            for key in ("column", "column_A", "column_B"):
                if key in rule.kwargs and rule.kwargs[key] not in needed:
                    needed.append(rule.kwargs[key])
            for column in rule.kwargs.get("column_list", []):
                if column not in needed:
                    needed.append(column)
        return needed


# Rule constructors, named for what they say.
def not_null(column: str, severity: str = CRITICAL) -> Rule:
    return Rule(f"{column} is never empty", "ExpectColumnValuesToNotBeNull", {"column": column}, severity)


def unique(*columns: str, severity: str = CRITICAL) -> Rule:
    if len(columns) == 1:
        return Rule(f"one row per {columns[0]}", "ExpectColumnValuesToBeUnique", {"column": columns[0]}, severity)
    return Rule(f"one row per {', '.join(columns)}", "ExpectCompoundColumnsToBeUnique",
                {"column_list": list(columns)}, severity)


def one_of(column: str, values, severity: str = CRITICAL) -> Rule:
    return Rule(f"{column} is one of {', '.join(map(str, values))}", "ExpectColumnValuesToBeInSet",
                {"column": column, "value_set": list(values)}, severity)


def at_least(column: str, minimum, severity: str = CRITICAL) -> Rule:
    return Rule(f"{column} is at least {minimum}", "ExpectColumnValuesToBeBetween",
                {"column": column, "min_value": minimum}, severity)


def between(column: str, minimum=None, maximum=None, severity: str = CRITICAL) -> Rule:
    bounds = {k: v for k, v in (("min_value", minimum), ("max_value", maximum)) if v is not None}
    said = (f"between {minimum:g} and {maximum:g}" if len(bounds) == 2 else
            f"at least {minimum:g}" if minimum is not None else f"at most {maximum:g}")
    return Rule(f"{column} is {said}", "ExpectColumnValuesToBeBetween", {"column": column, **bounds}, severity)


def holds(computed_column: str, description: str, severity: str = CRITICAL) -> Rule:
    """A condition computed in SQL (see Suite.computed) that must be true on every row."""
    return Rule(description, "ExpectColumnValuesToBeInSet", {"column": computed_column, "value_set": [True]},
                severity)


@dataclass
class Outcome:
    suite: str
    table: str
    rule: str
    severity: str
    success: bool
    rows: int
    failing_rows: int
    examples: str


class QualityGateFailed(RuntimeError):
    """A critical rule failed; the message lists every failed rule with examples and what to do."""


@cache
def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)  # before the import: it logs as it loads
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX sets INFO on its own loggers as it imports them: quiet every one of them before the context exists.
    for name in [n for n in logging.root.manager.loggerDict if n.startswith("great_expectations")]:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batches = context.data_sources.add_pandas("townsquare").add_dataframe_asset("table") \
        .add_batch_definition_whole_dataframe("whole table")
    return gx, context, batches


def _read(con: duckdb.DuckDBPyConnection, suite: Suite):
    selected = [quote_ident(c) for c in suite.columns() if c not in suite.computed]
    selected += [f"({expr}) as {quote_ident(name)}" for name, expr in suite.computed.items()]
    return con.execute(f"select {', '.join(selected)} from {quote_ident(suite.table)}").df()


def validate(con: duckdb.DuckDBPyConnection, suites: list[Suite]) -> list[Outcome]:
    gx, context, batches = _context()
    outcomes = []
    for suite in suites:
        frame = _read(con, suite)
        expectations = [getattr(gx.expectations, r.expectation)(**r.kwargs, severity=r.severity) for r in suite.rules]
        gx_suite = context.suites.add(gx.ExpectationSuite(name=f"{suite.name}-{uuid.uuid4().hex[:8]}",
                                                          expectations=expectations))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=gx_suite.name, data=batches, suite=gx_suite))
        result = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
        for rule, rule_result in zip(suite.rules, result.results, strict=True):
            details = rule_result.result or {}
            examples = details.get("partial_unexpected_list") or []
            outcomes.append(Outcome(suite.name, suite.table, rule.description, rule.severity,
                                    bool(rule_result.success), len(frame), int(details.get("unexpected_count") or 0),
                                    ", ".join(map(str, examples[:5]))))
        context.validation_definitions.delete(definition.name)
        context.suites.delete(gx_suite.name)
    return outcomes


def record(con: duckdb.DuckDBPyConnection, outcomes: list[Outcome], gate: str, run_id: str | None = None) -> None:
    checked_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.executemany(
        "insert into quality_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[checked_at, gate, run_id, o.suite, o.table, o.rule, o.severity, o.success, o.rows, o.failing_rows,
          o.examples] for o in outcomes])


def failure_message(outcomes: list[Outcome], what_stops: str, what_to_do: str) -> str | None:
    """The message for failed critical rules, or None when every critical rule passed."""
    failed = [o for o in outcomes if not o.success and o.severity == CRITICAL]
    if not failed:
        return None
    lines = "\n".join(f"  {o.table}: {o.rule} — {o.failing_rows:,} of {o.rows:,} rows fail"
                      + (f" (e.g. {o.examples})" if o.examples else "") for o in failed)
    return f"{what_stops}. Failed critical quality rules:\n{lines}\n{what_to_do}"

