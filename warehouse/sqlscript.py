"""Run a file of SQL statements with named parameters (`$name`), one statement at a time."""
from __future__ import annotations

import re

import duckdb

_COMMENT = re.compile(r"^\s*--.*$", re.MULTILINE)


def statements(script: str) -> list[str]:
    """The statements of a script; statements end with ';' at the end of a line."""
    body = _COMMENT.sub("", script)
    return [s.strip() for s in re.split(r";\s*$", body, flags=re.MULTILINE) if s.strip()]


def run_script(con: duckdb.DuckDBPyConnection, script: str, params: dict[str, object]) -> None:
    for statement in statements(script):
        used = {k: v for k, v in params.items() if f"${k}" in statement}
        con.execute(statement, used)
