"""Forum pipeline: Stack Exchange dumps → landing zone → warehouse → marts → serving snapshot."""
from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from townsquare.assets import SERVING_SNAPSHOT, WAREHOUSE_CORE

WAREHOUSE_POOL = "townsquare_warehouse"  # one slot: DuckDB has a single writer

DOC = """
### Townsquare forum pipeline

For every `[[sources]]` entry of kind `stackexchange` in `townsquare.toml` (or `$TOWNSQUARE_CONFIG`):

1. **extract** parses the dump into an immutable landing batch (Parquet) and quarantines bad rows
   (runs in parallel, outside the warehouse lock);
2. **load** merges the batches into the warehouse (idempotent upserts on natural keys);
3. **build_marts** rebuilds the `mart_*` tables and checks them (a failed check fails the task);
4. **publish** swaps a new serving snapshot in atomically. A failed check stops here and the
   dashboard keeps the previous snapshot.

Writes to the warehouse run in the `townsquare_warehouse` pool (create it with one slot:
`airflow pools set townsquare_warehouse 1 "DuckDB single writer"`).
"""


@dag(
    dag_id="townsquare_forum",
    schedule="@daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=DOC,
    tags=["townsquare", "forum", "stackexchange"],
    default_args={"owner": "townsquare", "retries": 2, "retry_delay": pendulum.duration(minutes=2)},
)
def townsquare_forum():
    @task
    def configured_sources() -> list[dict]:
        from townsquare.pipeline import configured_sources

        return [{"kind": s.kind, "path": str(s.path), "community": s.community, "name": s.name}
                for s in configured_sources()]

    @task
    def extract(source: dict) -> str:
        from pathlib import Path

        from townsquare.pipeline import extract
        from warehouse.settings import Source

        batch_dir, _ = extract(Source(source["kind"], Path(source["path"]), source["community"], source["name"]))
        return str(batch_dir)

    @task(pool=WAREHOUSE_POOL, outlets=[WAREHOUSE_CORE])
    def load(batch_dirs: list[str]) -> dict:
        from ingest.batches import nothing_read_message
        from townsquare.pipeline import load

        # Index by length: iterating Airflow's lazy XCom sequence probes one past the end and logs a 404.
        paths = [batch_dirs[i] for i in range(len(batch_dirs))]
        manifests = load(paths)  # unreadable sources still record their quarantine and run log
        unreadable = [nothing_read_message(m) for m in manifests if m.landed == 0]
        if unreadable:
            raise ValueError("; ".join(unreadable))
        return {m.community: {"read": m.read, "loaded": m.landed, "quarantined": m.quarantined} for m in manifests}

    @task(pool=WAREHOUSE_POOL)
    def build_marts(load_summary: dict) -> list[str]:
        from townsquare.pipeline import build_marts

        return build_marts()

    @task(pool=WAREHOUSE_POOL, outlets=[SERVING_SNAPSHOT])
    def publish(marts: list[str], run_id: str | None = None) -> str:
        from townsquare.pipeline import publish

        return str(publish(run_id))

    batches = extract.expand(source=configured_sources())
    publish(build_marts(load(batches)))


townsquare_forum()
