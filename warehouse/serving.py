"""Read access to the published serving snapshot: the only thing the dashboard reads.

Each read opens the current snapshot read-only and closes it again, so a newly published snapshot
(renamed into place by `warehouse.publish`) is picked up by the next query without a restart.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from warehouse import settings


class SnapshotMissing(FileNotFoundError):
    """No snapshot has been published yet."""


def query(sql: str, params: list | tuple | None = None, path: Path | None = None) -> pd.DataFrame:
    """Run one read-only query against the current snapshot and return a DataFrame."""
    path = Path(path) if path is not None else settings.snapshot_path()
    if not path.exists():
        raise SnapshotMissing(
            f"no serving snapshot at {path}: run `townsquare run` (or `make demo`) to publish one"
        )
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).df()
