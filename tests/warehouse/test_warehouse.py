"""The warehouse: versioned migrations, one writer, atomic publishing behind the mart checks."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from townsquare import pipeline
from transforms.build import mart_names
from warehouse.quality import QualityGateFailed
from warehouse import serving, settings
from warehouse.db import writer
from warehouse.migrate import available, migrate


def test_migrations_apply_once_in_order(townsquare_home):
    with writer() as con:
        versions = [v for v, *_ in con.execute("select version from schema_migrations order by version").fetchall()]
        assert versions == [v for v, _, _ in available()]
        assert migrate(con) == []  # nothing left to apply
        assert con.execute("select count(*) from content").fetchone()[0] == 0
    assert settings.warehouse_path() == townsquare_home / "warehouse.duckdb"


def test_dashboard_reads_need_a_published_snapshot(townsquare_home):
    with pytest.raises(serving.SnapshotMissing, match="townsquare run"):
        serving.query("select 1")


@pytest.fixture
def published_copy(cardano_home, tmp_path, monkeypatch):
    """A private copy of the published cardano home that a test may change."""
    home = tmp_path / "home"
    shutil.copytree(cardano_home, home)
    monkeypatch.setenv("TOWNSQUARE_HOME", str(home))
    return home


def test_publish_swaps_the_snapshot_atomically(published_copy):
    snapshot = settings.snapshot_path()
    old_reader = duckdb.connect(str(snapshot), read_only=True)
    assert old_reader.execute("select run_id from snapshot_info").fetchone() == ("test",)
    with writer() as con:
        con.execute("update mart_communities set name = 'Renamed'")
    pipeline.publish("second")
    # a reader that had the old snapshot open keeps a consistent view of it...
    assert old_reader.execute("select name from mart_communities").fetchone() == ("Cardano Stack Exchange",)
    old_reader.close()
    # ...and the next read sees the new one
    assert serving.query("select name from mart_communities").iloc[0, 0] == "Renamed"
    assert serving.query("select run_id from snapshot_info").iloc[0, 0] == "second"
    assert sorted(p.name for p in snapshot.parent.iterdir()) == ["current.duckdb"]  # no temp files left


def test_failed_check_keeps_the_previous_snapshot(published_copy):
    before = settings.snapshot_path().read_bytes()
    with writer() as con:
        con.execute("insert into mart_thread_response select * from mart_thread_response limit 1")
    with pytest.raises(QualityGateFailed) as failure:
        pipeline.publish("bad")
    assert "mart_thread_response: one row per thread_id — 2 of 1,043 rows fail" in str(failure.value)
    assert "keeps serving the previous snapshot" in str(failure.value)
    assert settings.snapshot_path().read_bytes() == before
    assert serving.query("select run_id from snapshot_info").iloc[0, 0] == "test"


def test_snapshot_holds_every_mart(cardano_home, monkeypatch):
    monkeypatch.setenv("TOWNSQUARE_HOME", str(cardano_home))
    tables = set(serving.query("select table_name from information_schema.tables")["table_name"])
    # every mart of transforms/models, the public contract, and nothing intermediate
    assert tables == set(mart_names()) | {"snapshot_info"}
    assert {"mart_members_daily", "mart_health_index", "mart_influencers", "mart_alerts"} <= tables
