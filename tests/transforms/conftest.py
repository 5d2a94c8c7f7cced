"""Fixtures for mart tests.

- `hand_warehouse`: an empty, migrated warehouse in a fresh TOWNSQUARE_HOME, with `add(table, rows)` to
  write a small hand-built fixture into the canonical tables and `refresh(as_of=..., config=...)` to
  build the marts, so each test can work its answer out by hand.
- `analytics_home`: one shared warehouse with real data (cardano, bicycles meta, the X API sample, the
  support conversations) and a synthetic community on every channel (forum, X, social CSV, two help
  desks with customers), enriched, marts built: for checks against independent queries.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from tests.conftest import shared_data

AS_OF = dt.datetime(2026, 1, 1)


class HandWarehouse:
    def __init__(self, home: Path):
        from warehouse.db import writer

        self.home = home
        self.config = home / "townsquare.toml"
        with writer() as con:
            self.columns = {t: [r[0] for r in con.execute(f"describe {t}").fetchall()]
                            for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()}

    def add(self, table: str, rows: list[dict]) -> None:
        """Insert rows given as {column: value}; columns not given are null (or their default). Content
        gets a text_hash when it has none. Loads record the days they touch, as ingest does."""
        from warehouse.changes import record_content_changes
        from warehouse.db import writer

        with writer() as con:
            for row in rows:
                if table == "content":
                    row = {"source": "hand", "source_entity": "post", "source_record_id": row["content_id"],
                           "text_hash": str(hash((row.get("title"), row.get("body_text")))), "channel": "forum", **row}
                if table == "members":
                    row = {"source": "hand", "source_user_id": row["member_id"], "person_id": row["member_id"], **row}
                unknown = set(row) - set(self.columns[table])
                if unknown:
                    raise KeyError(f"{table} has no column(s) {sorted(unknown)}")
                names = list(row)
                con.execute(f"insert into {table} ({', '.join(names)}) values ({', '.join('?' * len(names))})",
                            [row[n] for n in names])
            if table == "content":
                ids = [r["content_id"] for r in rows]
                record_content_changes(con, "select unnest(?::varchar[])", [ids])
            elif table in ("interactions", "tickets", "members", "ticket_events"):
                column = {"interactions": "occurred_at", "tickets": "created_at", "members": "joined_at",
                          "ticket_events": "occurred_at"}[table]
                days = [(r["community_id"], r[column].date()) for r in rows if r.get(column)]
                if days:
                    con.executemany("insert into refresh_changes values (?, ?, now())", days)

    def write_config(self, toml: str) -> Path:
        self.config.write_text(toml, encoding="utf-8")
        return self.config

    def refresh(self, as_of: dt.datetime = AS_OF, full: bool = False):
        from transforms.build import refresh_marts
        from warehouse.db import writer

        with writer() as con:
            return refresh_marts(con, as_of, full=full, config_path=self.config)

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.home / "warehouse.duckdb"), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def dicts(self, sql: str, params: list | None = None) -> list[dict]:
        con = duckdb.connect(str(self.home / "warehouse.duckdb"), read_only=True)
        try:
            result = con.execute(sql, params or [])
            names = [d[0] for d in result.description]
            return [dict(zip(names, row)) for row in result.fetchall()]
        finally:
            con.close()


@pytest.fixture
def hand_warehouse(townsquare_home) -> HandWarehouse:
    return HandWarehouse(townsquare_home)


@pytest.fixture(scope="session")
def analytics_home(tmp_path_factory) -> Path:
    """Real data and a synthetic multi-channel community, loaded, enriched and refreshed (read-only)."""
    from synthetic.community import generate_community
    from townsquare import pipeline
    from warehouse.settings import Source

    home = tmp_path_factory.mktemp("analytics-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOWNSQUARE_HOME", str(home))
        generated = generate_community(home / "synthetic", members=300, days=120, seed=11, site_name="acme")
        config = home / "townsquare.toml"
        config.write_text(generated["toml"], encoding="utf-8")
        mp.setenv("TOWNSQUARE_CONFIG", str(config))
        sources = pipeline.configured_sources(config) + [
            Source("stackexchange", shared_data("stackexchange_cardano"), "cardano", "Cardano Stack Exchange"),
            Source("stackexchange", shared_data("stackexchange_bicycles_meta"), "bicycles_meta", "Bicycles Meta"),
            Source("x", shared_data("twitter_v2_threads_twarc"), "x_sample", "X API sample"),
            Source("twcs", shared_data("twcs_sample") / "sample.csv", "twcs", "Customer support on X"),
        ]
        pipeline.load([pipeline.extract(source)[0] for source in sources])
        pipeline.enrich(processes=1)
        pipeline.build_marts(as_of=AS_OF)
    return home


@pytest.fixture
def analytics_db(analytics_home):
    """A read-only connection to the shared analytics warehouse."""
    con = duckdb.connect(str(analytics_home / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()
