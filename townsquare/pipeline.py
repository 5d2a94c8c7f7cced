"""The pipeline's steps, as plain functions: the Airflow tasks and the `townsquare` commands call these.

extract (parse a source into a landing batch, outside the warehouse lock) → load (merge batches into
the warehouse) → build (marts) → check → publish (atomic serving snapshot).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.batches import extract_source
from ingest.framework import connector_for
from ingest.load import load_batch
from transforms.build import build_models, mart_names
from transforms.checks import assert_marts_valid
from warehouse import identity, quality
from warehouse.core_checks import core_suites
from warehouse import settings
from warehouse.db import writer
from warehouse.landing import Manifest
from warehouse.publish import publish_snapshot


def configured_sources(config_path: Path | None = None, channel: str | None = None) -> list[settings.Source]:
    """The configured sources (of one channel), each checked to be of a supported kind."""
    sources = settings.load_config(config_path).sources
    return [s for s in sources if channel is None or connector_for(s.kind).channel == channel]


def extract(source: settings.Source, progress: Callable[[str, int], None] | None = None) -> tuple[Path, Manifest]:
    return extract_source(source, progress)


def load(batch_dirs: list[Path]) -> list[Manifest]:
    with writer() as con:
        return [load_batch(con, Path(d)) for d in batch_dirs]


def build_marts(run_id: str | None = None) -> list[str]:
    """Resolve identities and bot rules, check the core tables, rebuild the marts and check them; a
    failed critical rule raises QualityGateFailed and nothing is published."""
    with writer() as con:
        identity.resolve(con, settings.load_config().identity)
        assert_core_valid(con, run_id)
        built = build_models(con)
        assert_marts_valid(con, run_id)
    return built


def assert_core_valid(con, run_id: str | None = None) -> None:
    outcomes = quality.validate(con, core_suites())
    quality.record(con, outcomes, "core", run_id)
    message = quality.failure_message(
        outcomes, "Marts not rebuilt and nothing published; the dashboard keeps serving the previous snapshot",
        "The core tables break a rule every load should keep: inspect the failing rows and the batch that "
        "loaded them (ingest_runs), fix the source or the connector, then load again.")
    if message:
        raise quality.QualityGateFailed(message)


def publish(run_id: str | None = None) -> Path:
    """Copy the checked marts into a new serving snapshot and swap it into place."""
    with writer() as con:
        assert_marts_valid(con, run_id)  # never publish marts that a failed build left behind
        return publish_snapshot(con, mart_names(), run_id)
