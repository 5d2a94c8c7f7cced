"""Publish: copy the marts into a new serving snapshot and swap it into place atomically.

The snapshot is written to a temporary file in the serving folder and renamed over `current.duckdb`.
A reader that opened the old file keeps reading it until it closes; the next read sees the new one.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb

from warehouse import settings
from warehouse.db import quote_ident


def publish_snapshot(con: duckdb.DuckDBPyConnection, tables: list[str], run_id: str | None = None) -> Path:
    """Write `tables` from the warehouse into a fresh snapshot and make it the current one."""
    target = settings.snapshot_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    tmp = target.with_name(f".snapshot-{published_at:%Y%m%dT%H%M%S%f}-{os.getpid()}.duckdb")
    con.execute("attach ? as snapshot", [str(tmp)])
    try:
        for table in tables:
            con.execute(f"create table snapshot.{quote_ident(table)} as select * from {quote_ident(table)}")
        con.execute(
            "create table snapshot.snapshot_info as select ?::timestamp as published_at, ?::varchar as run_id",
            [published_at, run_id],
        )
        con.execute("checkpoint snapshot")
    finally:
        con.execute("detach snapshot")
    os.replace(tmp, target)
    return target
