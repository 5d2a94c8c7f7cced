"""[marts.ideation]: which tags say an idea's status, and the trend window (docs/configuration.md).

The same section also tells the NLP step (nlp/ideation) which posts are ideas and how alike two must be
to be near-duplicates or one theme; its keys and defaults live in nlp/ideation/settings.py.
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from nlp.ideation.settings import from_table

SECTION = "ideation"


def tables(section: dict, where: str, config_path: Path | None = None) -> dict[str, pa.Table]:
    s = from_table(section, where)
    return {
        "param_ideation": pa.table({"trend_days": pa.array([s.trend_days], pa.int32())}),
        "param_ideation_status_tags": pa.table({
            "tag": pa.array([t for t, _ in s.status_tags], pa.string()),
            "status": pa.array([st for _, st in s.status_tags], pa.string())}),
    }
