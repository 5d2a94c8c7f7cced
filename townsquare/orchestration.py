"""The Townsquare DAGs, built here and instantiated by the small files in dags/.

- One DAG per source kind (stackexchange, discourse, x, social_csv, zendesk, twcs), each on its own
  schedule: extract every configured source of that kind (in parallel, outside the warehouse lock),
  then load the batches (one writer, through the `townsquare_warehouse` pool). A load updates the
  WAREHOUSE_CORE asset.
- `townsquare_marts` runs whenever WAREHOUSE_CORE is updated: build the marts, check them, publish
  the serving snapshot (the SERVING_SNAPSHOT asset).

Every task retries with exponential backoff and records its failure in the warehouse.
"""
from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from townsquare.assets import SERVING_SNAPSHOT, WAREHOUSE_CORE
from townsquare.callbacks import record_failure

WAREHOUSE_POOL = "townsquare_warehouse"  # one slot: DuckDB has a single writer
# Dumps and exports arrive now and then; APIs and social streams move all day.
DEFAULT_SCHEDULES = {"stackexchange": "@daily", "discourse": "@hourly", "x": "@hourly", "social_csv": "@daily",
                     "zendesk": "@hourly", "twcs": "@daily"}
START = pendulum.datetime(2024, 1, 1, tz="UTC")
DEFAULT_ARGS = {
    "owner": "townsquare",
    "retries": 3,
    "retry_delay": pendulum.duration(minutes=1),
    "retry_exponential_backoff": True,
    "max_retry_delay": pendulum.duration(minutes=30),
    "on_failure_callback": record_failure,
}

SOURCE_DOC = """
### Townsquare {kind} sources ({channel})

For every `[[sources]]` entry of kind `{kind}` in `townsquare.toml` (or `$TOWNSQUARE_CONFIG`):

1. **extract** reads the source from its stored cursor into an immutable landing batch (Parquet),
   quarantining bad records with their position and reason. Runs in parallel, outside the
   warehouse lock.
2. **load** merges the batches into the warehouse in one transaction each (idempotent upserts on
   natural keys; the cursor moves in the same transaction) and updates the `townsquare://warehouse/core`
   asset, which triggers `townsquare_marts`. A source that could not be read at all fails this task
   after the other sources are loaded.

Warehouse writes run in the `townsquare_warehouse` pool (one slot: `airflow pools set
townsquare_warehouse 1 "DuckDB single writer"`; `townsquare airflow` creates it). Schedule: `[schedules]
{kind}` in the configuration (default `{default}`).
"""

MARTS_DOC = """
### Townsquare marts and publish

Runs whenever a source DAG has loaded new data (the `townsquare://warehouse/core` asset):

1. **enrich** runs the NLP pipeline on content without an enrichment for the current pipeline version, then
   refreshes the emerging topics of the periods that changed and the idea themes;
2. **build_marts** resolves identities, checks the core tables, refreshes every `mart_*` table (only the days
   that changed, when only data changed) as of the run's data interval end, and checks them;
3. **publish** swaps a new serving snapshot in atomically (`townsquare://serving/current`). When a
   check fails nothing is published and the dashboard keeps the previous snapshot.
"""


def _schedule(kind: str) -> str:
    from warehouse import settings

    return settings.load_config().schedules.get(kind, DEFAULT_SCHEDULES[kind])


def source_dag(kind: str):
    from ingest.framework import connector_for

    channel = connector_for(kind).channel

    @dag(dag_id=f"townsquare_{kind}", schedule=_schedule(kind), start_date=START, catchup=False,
         max_active_runs=1, doc_md=SOURCE_DOC.format(kind=kind, channel=channel, default=DEFAULT_SCHEDULES[kind]),
         tags=["townsquare", channel, kind], default_args=DEFAULT_ARGS)
    def sources_of_kind():
        @task
        def configured_sources() -> list[dict]:
            from townsquare.pipeline import configured_sources

            return [s.to_dict() for s in configured_sources() if s.kind == kind]

        @task
        def extract(source: dict) -> str:
            from townsquare.pipeline import extract
            from warehouse.settings import Source

            batch_dir, _ = extract(Source.from_dict(source))
            return str(batch_dir)

        @task(pool=WAREHOUSE_POOL, outlets=[WAREHOUSE_CORE])
        def load(batch_dirs: list[str]) -> dict:
            from ingest.batches import nothing_read, nothing_read_message
            from townsquare.pipeline import load

            # Index by length: iterating Airflow's lazy XCom sequence probes one past the end and logs a 404.
            paths = [batch_dirs[i] for i in range(len(batch_dirs))]
            manifests = load(paths)  # unreadable sources still record their quarantine and run log
            unreadable = [nothing_read_message(m) for m in manifests if nothing_read(m)]
            if unreadable:
                raise ValueError("; ".join(unreadable))
            return {f"{m.community}/{m.source}": {"read": m.read, "loaded": m.landed, "quarantined": m.quarantined}
                    for m in manifests}

        load(extract.expand(source=configured_sources()))

    return sources_of_kind()


def marts_dag():
    @dag(dag_id="townsquare_marts", schedule=[WAREHOUSE_CORE], start_date=START, catchup=False,
         max_active_runs=1, doc_md=MARTS_DOC, tags=["townsquare", "marts"], default_args=DEFAULT_ARGS)
    def townsquare_marts():
        @task
        def enrich() -> dict:
            # Exports and loads take the warehouse lock briefly; the NLP itself runs outside it, on all cores.
            from townsquare.pipeline import enrich

            run = enrich()
            return {"version": run.version, "enriched": run.enriched, "errors": run.errors, "emerging": run.emerging,
                    "ideation": run.ideation}

        @task(pool=WAREHOUSE_POOL)
        def build_marts(enriched: dict, data_interval_end=None, dag_run=None) -> list[str]:
            from townsquare.pipeline import build_marts, utc

            # The marts' "now" (escalation ages, alert windows) is the run's, so a re-run gives the same marts.
            return build_marts(as_of=utc(data_interval_end or (dag_run.run_after if dag_run else None)))

        @task(pool=WAREHOUSE_POOL, outlets=[SERVING_SNAPSHOT])
        def publish(marts: list[str], run_id: str | None = None) -> str:
            from townsquare.pipeline import publish

            return str(publish(run_id))

        publish(build_marts(enrich()))

    return townsquare_marts()
