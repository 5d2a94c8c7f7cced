"""Build the SQL models in transforms/models into warehouse tables.

One model per file; the file name is the table name. Layers run in order: `int_*` models first,
then `mart_*` models, which may read the canonical tables and any `int_*` model.
"""
from __future__ import annotations

from importlib import resources

import duckdb

from warehouse.db import quote_ident

LAYERS = ("int_", "mart_")


def models() -> list[tuple[str, str]]:
    """(table name, select statement) of every model, in build order."""
    folder = resources.files("transforms") / "models"
    found = {e.name.removesuffix(".sql"): e.read_text(encoding="utf-8") for e in folder.iterdir() if e.name.endswith(".sql")}
    ordered = []
    for prefix in LAYERS:
        ordered += sorted((name, sql) for name, sql in found.items() if name.startswith(prefix))
    return ordered


def build_models(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Rebuild every model in one transaction; return the table names built."""
    built = []
    con.execute("begin transaction")
    try:
        for name, select in models():
            con.execute(f"create or replace table {quote_ident(name)} as {select}")
            built.append(name)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return built


def mart_names() -> list[str]:
    return [name for name, _ in models() if name.startswith("mart_")]
