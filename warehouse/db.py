"""The one module that opens the warehouse.

DuckDB allows one read-write process per file, so every write goes through `writer()`, which holds
an exclusive file lock for the duration (Airflow adds a one-slot pool on top). Readers that need a
consistent view while pipelines run read the serving snapshot instead (`warehouse.serving`).
"""
from __future__ import annotations

import contextlib
import fcntl
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
    """A read-only connection to the warehouse (fails while a writer holds the file)."""
    path = Path(path) if path is not None else settings.warehouse_path()
    if not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: ingest a source first (townsquare ingest ...)")
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()
