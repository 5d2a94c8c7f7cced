"""What the marts read from the team's config: reputation points, thresholds, windows, status tags.

Each module in this package owns one section of `[marts]` in townsquare.toml (docs/configuration.md)
and turns it, with its defaults, into small tables named `param_<something>` that the SQL models read.
A module defines:

    SECTION = "reputation"                       # the [marts.reputation] table
    def tables(section: dict, where: str, config_path: Path | None = None) -> dict[str, pyarrow.Table]
        # raise ConfigError on bad values; config_path: the file, for settings kept elsewhere in it

`install` creates every module's tables as temporary tables on the refresh's connection, plus
`refresh_context` (one row: `as_of`, the end of the run's data interval: models never call now()),
and returns a fingerprint of their contents: a changed setting rebuilds every mart in full.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import pkgutil
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse import settings


def sections() -> list:
    """The parameter modules, in name order."""
    return [importlib.import_module(f"{__name__}.{m.name}") for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)]


def parameter_tables(config_path: Path | None = None) -> dict[str, pa.Table]:
    """Every param_* table as configured (defaults where the config says nothing)."""
    path = config_path or settings.config_path()
    raw = settings.read_toml(path) if path.exists() else {}
    marts = raw.get("marts", {})
    if not isinstance(marts, dict):
        raise settings.ConfigError(f"{path}: [marts] must be a table of sections such as [marts.reputation]")
    known = {module.SECTION for module in sections()}
    unknown = sorted(set(marts) - known)
    if unknown:
        raise settings.ConfigError(f"{path}: unknown section(s) {', '.join(f'[marts.{u}]' for u in unknown)}; "
                                   f"known: {', '.join(f'[marts.{k}]' for k in sorted(known))}")
    tables: dict[str, pa.Table] = {}
    for module in sections():
        section = marts.get(module.SECTION, {})
        if not isinstance(section, dict):
            raise settings.ConfigError(f"{path}: [marts.{module.SECTION}] must be a table")
        for name, table in module.tables(section, f"{path} [marts.{module.SECTION}]", path).items():
            if not name.startswith("param_") or name in tables:
                raise RuntimeError(f"{module.__name__}: parameter table {name} must be param_* and unique")
            tables[name] = table
    return tables


def install(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, config_path: Path | None = None) -> str:
    """Create the param_* tables and refresh_context on `con`; return the settings' fingerprint."""
    identity = hashlib.sha256()
    for name, table in parameter_tables(config_path).items():
        con.register("parameter_rows", table)
        con.execute(f'create or replace temp table "{name}" as select * from parameter_rows')
        con.unregister("parameter_rows")
        identity.update(name.encode() + b"\0" + repr(table.to_pylist()).encode() + b"\0")
    con.execute("create or replace temp table refresh_context as select ?::timestamp as as_of", [as_of])
    return identity.hexdigest()[:16]
