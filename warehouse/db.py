"""The one module that opens the warehouse.

DuckDB allows one read-write process per file, so every write goes through `writer()`, which holds
an exclusive file lock for the duration (Airflow adds a one-slot pool on top). Readers that need a
consistent view while pipelines run read the serving snapshot instead (`warehouse.serving`).
"""
from __future__ import annotations

import contextlib
import fcntl
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb

from warehouse import settings
from warehouse.migrate import migrate


def quote_ident(name: str) -> str:
    """Quote an SQL identifier (table or column name) for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


@contextlib.contextmanager
def writer(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the warehouse, migrated to the latest schema, under the write lock."""
    path = Path(path) if path is not None else settings.warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        con = duckdb.connect(str(path))
        try:
            migrate(con)
            yield con
        finally:
            con.close()
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def reader(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short read-only connection to the warehouse; waits while a writer holds it. Keep reads brief:
    writers wait for readers too. Long reads belong on the serving snapshot."""
    path = Path(path) if path is not None else settings.warehouse_path()
    if not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: ingest a source first (townsquare ingest ...)")
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        con = duckdb.connect(str(path), read_only=True)
        try:
            yield con
        finally:
            con.close()
            fcntl.flock(lock, fcntl.LOCK_UN)


def read_cursor(source_key: str, path: Path | None = None) -> dict | None:
    """Where the source's next incremental read starts (None: from the beginning)."""
    path = Path(path) if path is not None else settings.warehouse_path()
    if not path.exists():
        return None
    with reader(path) as con:
        has_table = con.execute("select count(*) from information_schema.tables "
                                "where table_name = 'source_cursors'").fetchone()[0]
        row = con.execute("select cursor from source_cursors where source_key = ?", [source_key]).fetchone() \
            if has_table else None
    return json.loads(row[0]) if row else None
