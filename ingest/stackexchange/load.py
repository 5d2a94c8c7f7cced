"""Landing batch → warehouse: one transaction that merges the batch into the canonical tables.

Idempotent: every table is upserted on its natural key, so loading a batch again (or a newer dump
that overlaps an older one) leaves the same rows. The batch's reconciliation and quarantine go to
`ingest_runs` and `quarantine` in the same transaction.
"""
from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.stackexchange.extract import DUMP_FILES, SOURCE
from ingest.stackexchange.parse import landing_schema
from warehouse.landing import QUARANTINE_SCHEMA, Manifest, read_manifest
from warehouse.sqlscript import run_script


def _batch_table(batch_dir: Path, entity: str, schema: pa.Schema) -> pa.Table:
    path = batch_dir / f"{entity}.parquet"
    # A file that was missing, or whose rows were all quarantined, lands no Parquet: load it as empty.
    return pq.read_table(path) if path.exists() else schema.empty_table()


def load_batch(con: duckdb.DuckDBPyConnection, batch_dir: Path) -> Manifest:
    """Merge one landing batch into the warehouse; return its manifest."""
    batch_dir = Path(batch_dir)
    manifest = read_manifest(batch_dir)
    community = manifest.community
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute("begin transaction")
    try:
        for entity, _ in DUMP_FILES.values():
            staged = _batch_table(batch_dir, entity, landing_schema(entity))
            con.register(f"batch_{entity}", staged)
            con.execute(f"create or replace temp table stg_{entity} as select * from batch_{entity}")
            con.unregister(f"batch_{entity}")
        con.execute(
            """insert into communities values (?, ?, ?, ?, ?, ?)
               on conflict (community_id) do update set
                 name = excluded.name, location = excluded.location, last_loaded_at = excluded.last_loaded_at""",
            [community, manifest.name, SOURCE, manifest.location, loaded_at, loaded_at],
        )
        script = resources.files("ingest.stackexchange").joinpath("load.sql").read_text(encoding="utf-8")
        run_script(con, script, {"community": community})
        _record_run(con, manifest, batch_dir, loaded_at)
        for entity, _ in DUMP_FILES.values():
            con.execute(f"drop table if exists stg_{entity}")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return manifest


def _record_run(con: duckdb.DuckDBPyConnection, manifest: Manifest, batch_dir: Path, loaded_at: dt.datetime) -> None:
    quarantined = _batch_table(batch_dir, "quarantine", QUARANTINE_SCHEMA)
    con.register("batch_quarantine", quarantined)
    con.execute(
        """insert or replace into quarantine
           select ?, ?, source_file, position, reason, raw, ?, ? from batch_quarantine""",
        [manifest.community, manifest.source, manifest.batch_id, loaded_at],
    )
    con.unregister("batch_quarantine")
    for f in manifest.files:
        con.execute(
            "insert or replace into ingest_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [manifest.batch_id, manifest.source, manifest.community, f.source_file, f.entity, f.status,
             f.read, f.landed, f.quarantined, f.message, f.started_at, f.finished_at],
        )
