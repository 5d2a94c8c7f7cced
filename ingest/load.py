"""Landing batch → warehouse, the same way for every connector: one transaction per batch.

The connector's stage.sql maps the batch's landing tables (`land_<entity>`) onto canonical staging
tables (`stage_<table>`, created empty here with the canonical columns); `merge.sql` upserts them.
The batch's run log, quarantine, cursor and source row are written in the same transaction, so a
crash at any point leaves either the whole batch or none of it, and the cursor never runs ahead.
"""
from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.framework import connector_for
from warehouse import quality
from warehouse.changes import record_batch_changes
from warehouse.core_checks import core_suites
from warehouse.landing import QUARANTINE_SCHEMA, Manifest, read_manifest
from warehouse.sqlscript import run_script

STAGE_TABLES = ("members", "groups", "content", "content_groups", "interactions", "badges", "content_links",
                "content_history", "tickets", "ticket_events")


def _batch_table(batch_dir: Path, entity: str, schema: pa.Schema) -> pa.Table:
    path = batch_dir / f"{entity}.parquet"
    # An entity with no records (a missing file, or every row quarantined) lands no Parquet: load it empty.
    return pq.read_table(path) if path.exists() else schema.empty_table()


def load_batch(con: duckdb.DuckDBPyConnection, batch_dir: Path) -> Manifest:
    """Merge one landing batch into the warehouse; return its manifest."""
    batch_dir = Path(batch_dir)
    manifest = read_manifest(batch_dir)
    connector = connector_for(manifest.kind)
    prefix = f"{manifest.community}/{manifest.source}"
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute("begin transaction")
    try:
        for entity, spec in connector.entities.items():
            con.register(f"batch_{entity}", _batch_table(batch_dir, entity, spec.schema))
            con.execute(f"create or replace temp table land_{entity} as select * from batch_{entity}")
            con.unregister(f"batch_{entity}")
        for table in STAGE_TABLES:
            con.execute(f"create or replace temp table stage_{table} as select * from {table} limit 0")
        run_script(con, connector.stage_sql.read_text(encoding="utf-8"),
                   {"prefix": prefix, "community": manifest.community, "source": manifest.source,
                    "channel": connector.channel})
        staging = quality.validate(con, core_suites("stage_"))
        message = quality.failure_message(
            staging, f"Batch {manifest.batch_id} of {prefix} not loaded; the warehouse is unchanged",
            f"The batch stays in {batch_dir} for inspection: fix the source or the connector and ingest again.")
        if message:
            raise quality.QualityGateFailed(message)
        run_script(con, resources.files("ingest").joinpath("merge.sql").read_text(encoding="utf-8"), {})
        record_batch_changes(con, loaded_at)
        quality.record(con, staging, "staging", manifest.batch_id)
        _record_source(con, manifest, connector.channel, loaded_at)
        _record_run(con, manifest, batch_dir, loaded_at)
        for name in [f"land_{e}" for e in connector.entities] + [f"stage_{t}" for t in STAGE_TABLES] + [
                "merge_members", "merge_content", "merge_tickets"]:
            con.execute(f"drop table if exists {name}")
        con.execute("commit")
    except quality.QualityGateFailed:
        con.execute("rollback")
        quality.record(con, staging, "staging", manifest.batch_id)  # the failure stays visible
        raise
    except Exception:
        con.execute("rollback")
        raise
    return manifest


def _record_source(con, manifest: Manifest, channel: str, loaded_at: dt.datetime) -> None:
    key = f"{manifest.community}/{manifest.source}"
    con.execute(
        """insert into communities values (?, ?, ?, ?, ?, ?)
           on conflict (community_id) do update set last_loaded_at = excluded.last_loaded_at""",
        # A community is named after its first source until `[[communities]]` names it in the config.
        [manifest.community, manifest.name, manifest.kind, manifest.location, loaded_at, loaded_at])
    con.execute(
        """insert into sources values (?, ?, ?, ?, ?, ?, ?, ?, ?)
           on conflict (source_key) do update set name = excluded.name, location = excluded.location,
             last_loaded_at = excluded.last_loaded_at""",
        [key, manifest.community, manifest.kind, channel, manifest.source, manifest.name, manifest.location,
         loaded_at, loaded_at])
    if manifest.cursor is not None:
        con.execute("insert or replace into source_cursors values (?, ?, ?, ?)",
                    [key, json.dumps(manifest.cursor), manifest.batch_id, loaded_at])


def _record_run(con, manifest: Manifest, batch_dir: Path, loaded_at: dt.datetime) -> None:
    con.register("batch_quarantine", _batch_table(batch_dir, "quarantine", QUARANTINE_SCHEMA))
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
