"""An incremental mart refresh after new data gives exactly the marts a full rebuild gives.

The shared analytics warehouse (real and synthetic communities on every channel, enriched) is copied
twice. In one copy the last fifth of each community's history is taken out and the marts are rebuilt
in full; then the missing rows come back the way loads bring them (recording the days they touch) and
the marts are refreshed incrementally. Every mart must then equal the other copy's full build, row for
row. This covers every model in transforms/models, present and future.
"""
from __future__ import annotations

import datetime as dt
import math
import shutil

import duckdb
import pytest

from tests.transforms.conftest import AS_OF
from transforms.build import mart_names, refresh_marts
from warehouse.changes import record_batch_changes, record_content_changes

# What a load brings, as (table, condition for a row that is "late": arrived after the cut).
LATE_ROWS = {
    "content": "created_at > cut",
    "content_groups": "content_id in (select content_id from late_content)",
    "enrichments": "content_id in (select content_id from late_content)",
    "interactions": "occurred_at > cut",
    "badges": "awarded_at > cut",
    "content_links": "created_at > cut",
    "tickets": "created_at > cut",
    "ticket_events": "occurred_at > cut",
}
STAGED = ("members", "groups", "content", "content_groups", "interactions", "badges", "content_links",
          "content_history", "tickets", "ticket_events")


def _rows(con, table: str) -> list[tuple]:
    """Every row, in an order that does not depend on float noise (floats are left out of the sort key)."""
    rows = con.execute(f"select * from {table}").fetchall()
    return sorted(rows, key=lambda row: repr(tuple(v for v in row if not isinstance(v, float))))


def _same(value, other) -> bool:
    # Sums of floats may differ in the last bits with the order the engine adds them in.
    if isinstance(value, float) and isinstance(other, float):
        return math.isclose(value, other, rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(value) and math.isnan(other))
    if isinstance(value, (list, tuple)) and isinstance(other, (list, tuple)):
        return len(value) == len(other) and all(_same(a, b) for a, b in zip(value, other))
    if isinstance(value, dict) and isinstance(other, dict):
        return value.keys() == other.keys() and all(_same(value[k], other[k]) for k in value)
    return value == other


def _differences(expected: list[tuple], got: list[tuple]) -> list[tuple]:
    return [(e, g) for e, g in zip(expected, got) if not _same(e, g)]


def _cuts(con) -> None:
    # Each community's cut: four fifths of the way through its content, by time.
    con.execute("""create or replace temp table cuts as
                   select community_id, quantile_disc(created_at, 0.8) as cut from content group by all""")


def _take_out_late_rows(con) -> dict[str, int]:
    """Move every late row into a temp table late_<table>; return how many per table."""
    _cuts(con)
    taken = {}
    for table, condition in LATE_ROWS.items():
        con.execute(f"""create temp table late_{table} as
                        select t.* from {table} t join cuts using (community_id) where {condition}"""
                    if "cut" in condition else
                    f"create temp table late_{table} as select t.* from {table} t where {condition}")
        con.execute(f"delete from {table} where rowid in (select t.rowid from {table} t "
                    f"{'join cuts using (community_id) ' if 'cut' in condition else ''}where {condition})")
        taken[table] = con.execute(f"select count(*) from late_{table}").fetchall()[0][0]
    return taken


def _bring_back(con) -> None:
    """Insert the late rows as ingest and enrichment loads do, recording the days they touch."""
    for table in STAGED:
        source = f"late_{table}" if table in LATE_ROWS and table != "enrichments" else f"{table} limit 0"
        con.execute(f"create or replace temp table stage_{table} as select * from {source}")
    for table in LATE_ROWS:
        con.execute(f"insert into {table} select * from late_{table}")
    record_batch_changes(con, dt.datetime(2026, 1, 2))
    record_content_changes(con, "select content_id from late_enrichments", [])


@pytest.fixture(scope="module")
def full_and_incremental(analytics_home, tmp_path_factory):
    folder = tmp_path_factory.mktemp("incremental")
    full_path, partial_path = folder / "full.duckdb", folder / "partial.duckdb"
    shutil.copy(analytics_home / "warehouse.duckdb", full_path)
    shutil.copy(analytics_home / "warehouse.duckdb", partial_path)
    config = analytics_home / "townsquare.toml"

    full = duckdb.connect(str(full_path))
    refresh_marts(full, AS_OF, full=True, config_path=config)

    partial = duckdb.connect(str(partial_path))
    taken = _take_out_late_rows(partial)
    partial.execute("delete from refresh_changes")
    refresh_marts(partial, AS_OF, full=True, config_path=config)
    _bring_back(partial)
    refresh = refresh_marts(partial, AS_OF, config_path=config)
    yield full, partial, taken, refresh
    full.close()
    partial.close()


def test_the_refresh_after_new_data_is_incremental(full_and_incremental):
    _, _, taken, refresh = full_and_incremental
    assert taken["content"] > 1000 and taken["interactions"] > 500 and taken["tickets"] > 10
    assert refresh.mode == "incremental", refresh.reason
    assert refresh.changed_days > 0


@pytest.mark.parametrize("mart", mart_names())
def test_incremental_refresh_equals_a_full_rebuild(full_and_incremental, mart):
    full, partial, _, _ = full_and_incremental
    expected, got = _rows(full, mart), _rows(partial, mart)
    assert len(got) == len(expected)
    assert _differences(expected, got)[:3] == []


def test_an_edit_to_an_old_answer_refreshes_its_days(full_and_incremental, tmp_path, analytics_home):
    # A score changes on an early answer (a vote counted late): the answer's day and its thread's day change.
    path = tmp_path / "edited.duckdb"
    shutil.copy(analytics_home / "warehouse.duckdb", path)
    config = analytics_home / "townsquare.toml"
    con = duckdb.connect(str(path))
    try:
        [(answer,)] = con.execute("""select content_id from content where kind = 'answer' and community_id = 'cardano'
                                     order by created_at limit 1""").fetchall()
        con.execute("create temp table stage_content as select * replace (score + 7 as score) from content "
                    "where content_id = ?", [answer])
        for table in STAGED:
            if table != "content":
                con.execute(f"create temp table stage_{table} as select * from {table} limit 0")
        con.execute("update content set score = score + 7 where content_id = ?", [answer])
        record_batch_changes(con, dt.datetime(2026, 1, 2))
        assert refresh_marts(con, AS_OF, config_path=config).mode == "incremental"
        incremental = {m: _rows(con, m) for m in mart_names()}
        refresh_marts(con, AS_OF, full=True, config_path=config)
        for mart in mart_names():
            assert _differences(_rows(con, mart), incremental[mart])[:3] == [], mart
    finally:
        con.close()


def test_a_change_of_who_is_whom_rebuilds_everything(tmp_path, analytics_home):
    path = tmp_path / "bots.duckdb"
    shutil.copy(analytics_home / "warehouse.duckdb", path)
    con = duckdb.connect(str(path))
    try:
        con.execute("update members set is_bot = true where member_id = "
                    "(select member_id from members where community_id = 'cardano' and not is_bot "
                    "order by member_id limit 1)")
        refresh = refresh_marts(con, AS_OF, config_path=analytics_home / "townsquare.toml")
        assert (refresh.mode, refresh.reason) == ("full", "identity resolution changed who is whom (persons, bots, staff or names)")
        again = refresh_marts(con, AS_OF, config_path=analytics_home / "townsquare.toml")
        assert (again.mode, again.changed_days) == ("incremental", 0)
    finally:
        con.close()


def test_a_failed_refresh_keeps_the_marts_and_the_pending_changes(tmp_path, analytics_home, monkeypatch):
    import transforms.build as build

    path = tmp_path / "failing.duckdb"
    shutil.copy(analytics_home / "warehouse.duckdb", path)
    con = duckdb.connect(str(path))
    try:
        con.execute("insert into refresh_changes values ('cardano', date '2021-05-03', now())")
        before = _rows(con, "mart_content_daily")
        con.execute("delete from content where community_id = 'cardano' and created_at::date = date '2021-05-03'")
        original = build._build

        def fail_on_last(con_, model, incremental):
            if model.name == mart_names()[-1]:
                raise RuntimeError("disk full")
            return original(con_, model, incremental)

        monkeypatch.setattr(build, "_build", fail_on_last)
        with pytest.raises(RuntimeError, match="disk full"):
            refresh_marts(con, AS_OF, config_path=analytics_home / "townsquare.toml")
        assert _differences(_rows(con, "mart_content_daily"), before) == []
        assert con.execute("select count(*) from refresh_changes").fetchall() == [(1,)]
    finally:
        con.close()
