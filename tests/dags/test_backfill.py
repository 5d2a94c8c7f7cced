"""Backfill: running the DAGs interval by interval, as files arrive, gives the same warehouse as one run
over the whole period."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.airflow
REPO = Path(__file__).resolve().parents[2]
TABLES = {  # table -> its key, for a stable order
    "content": "content_id", "members": "member_id", "interactions": "interaction_id", "groups": "group_id",
    "content_groups": "content_id, group_id", "tickets": "ticket_id", "ticket_events": "event_id",
}


@pytest.fixture(scope="module")
def dags():
    from airflow.dag_processing.dagbag import DagBag
    from airflow.models.pool import Pool
    from airflow.utils import db

    db.resetdb()
    Pool.create_or_update_pool("townsquare_warehouse", slots=1, description="DuckDB single writer",
                               include_deferred=False)
    bag = DagBag(dag_folder=str(REPO / "dags"))
    for dag in bag.dags.values():
        for task in dag.tasks:
            task.retries = 0
    return bag.dags


def _drops(shared_dataset) -> list[list[tuple[str, bytes]]]:
    """The X sample as it would arrive: the flattened tweets in five chronological drops, then each raw
    response page on its own."""
    folder = shared_dataset("twitter_v2_threads_twarc")
    flat = (folder / "flat.jsonl").read_bytes().splitlines(keepends=True)
    drops = [[(f"flat-{i}.jsonl", b"".join(flat[i * 20:(i + 1) * 20]))] for i in range(5)]
    pages = (folder / "2sets.jsonl").read_bytes().splitlines(keepends=True)
    drops += [[(f"2sets-{i}.jsonl", page)] for i, page in enumerate(pages)]
    drops.append([("entities_test.jsonl", (folder / "entities_test.jsonl").read_bytes())])
    return drops


def _configure(home: Path, inbox: Path, monkeypatch) -> None:
    monkeypatch.setenv("TOWNSQUARE_HOME", str(home))
    config = home.parent / f"{home.name}.toml"
    config.write_text(f'[[sources]]\nkind = "x"\npath = "{inbox}"\ncommunity = "acme"\nname = "Acme on X"\n',
                      encoding="utf-8")
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(config))


def test_interval_by_interval_equals_one_run(dags, tmp_path, monkeypatch, shared_dataset, warehouse_tables):
    drops = _drops(shared_dataset)
    day = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)  # data intervals after the DAGs start_date

    # Backfill: one DAG run per interval, each after that interval's files arrived.
    inbox = tmp_path / "inbox-backfill"
    inbox.mkdir()
    _configure(tmp_path / "backfill", inbox, monkeypatch)
    for i, drop in enumerate(drops):
        for name, data in drop:
            (inbox / name).write_bytes(data)
        logical_date = day + dt.timedelta(hours=i)
        assert str(dags["townsquare_x"].test(logical_date=logical_date).state) == "success"
        assert str(dags["townsquare_marts"].test(logical_date=logical_date).state) == "success"
    # ...and a re-run of an interval that was already processed changes nothing.
    assert str(dags["townsquare_x"].test(logical_date=day + dt.timedelta(hours=30)).state) == "success"
    backfilled = warehouse_tables(tmp_path / "backfill", TABLES)

    # One run over the whole period.
    whole = tmp_path / "inbox-whole"
    shutil.copytree(inbox, whole)
    _configure(tmp_path / "whole", whole, monkeypatch)
    assert str(dags["townsquare_x"].test(logical_date=day + dt.timedelta(days=2)).state) == "success"
    assert str(dags["townsquare_marts"].test(logical_date=day + dt.timedelta(days=2)).state) == "success"
    at_once = warehouse_tables(tmp_path / "whole", TABLES)

    assert len(at_once["content"]) > 774  # the 774 tweets and the tweets they reference
    for table in TABLES:
        assert backfilled[table] == at_once[table], table

    def marts(home):
        con = duckdb.connect(str(home / "serving" / "current.duckdb"), read_only=True)
        try:
            return con.execute("select * from mart_content_daily order by all").fetchall()
        finally:
            con.close()

    assert marts(tmp_path / "backfill") == marts(tmp_path / "whole")
