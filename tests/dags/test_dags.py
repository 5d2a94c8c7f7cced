"""The Townsquare DAGs: load cleanly, are wired as documented, and run end to end in Airflow."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.airflow
REPO = Path(__file__).resolve().parents[2]
KINDS = ["stackexchange", "discourse", "x", "social_csv", "zendesk", "twcs"]
SOURCE_DAGS = [f"townsquare_{kind}" for kind in KINDS]


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


@pytest.fixture(scope="module")
def airflow_db():
    from airflow.models.pool import Pool
    from airflow.utils import db

    db.resetdb()
    Pool.create_or_update_pool("townsquare_warehouse", slots=1, description="DuckDB single writer",
                               include_deferred=False)


def test_dagbag_has_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {*SOURCE_DAGS, "townsquare_marts"}


@pytest.mark.parametrize("dag_id", SOURCE_DAGS)
def test_source_dags_are_wired_and_documented(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert set(dag.task_ids) == {"configured_sources", "extract", "load"}
    assert dag.get_task("extract").upstream_task_ids == {"configured_sources"}
    assert dag.get_task("load").upstream_task_ids == {"extract"}
    assert dag.get_task("load").pool == "townsquare_warehouse"  # the single DuckDB writer
    assert [o.uri for o in dag.get_task("load").outlets] == ["townsquare://warehouse/core"]
    assert dag.doc_md and "townsquare" in dag.tags and dag.max_active_runs == 1
    for task in dag.tasks:
        assert task.owner == "townsquare" and task.retries >= 1 and task.retry_exponential_backoff
        assert task.on_failure_callback


def test_marts_dag_runs_when_the_warehouse_changes(dagbag):
    dag = dagbag.dags["townsquare_marts"]
    assert [a.uri for a in dag.timetable.asset_condition.objects] == ["townsquare://warehouse/core"]
    assert dag.get_task("build_marts").upstream_task_ids == {"enrich"}
    assert dag.get_task("publish").upstream_task_ids == {"build_marts"}
    for task_id in ("build_marts", "publish"):
        assert dag.get_task(task_id).pool == "townsquare_warehouse"
    assert [o.uri for o in dag.get_task("publish").outlets] == ["townsquare://serving/current"]


def test_the_kinds_are_the_same_everywhere():
    from ingest.framework import KINDS as CONNECTORS
    from warehouse.settings import SOURCE_KINDS

    assert set(CONNECTORS) == SOURCE_KINDS == set(KINDS)


def test_schedules_come_from_the_configuration(tmp_path, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    config = tmp_path / "townsquare.toml"
    config.write_text('[schedules]\nstackexchange = "@hourly"\nzendesk = "*/15 * * * *"\n', encoding="utf-8")
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(config))
    bag = DagBag(dag_folder=str(REPO / "dags"))
    assert bag.dags["townsquare_stackexchange"].timetable.expression == "0 * * * *"  # @hourly
    assert bag.dags["townsquare_zendesk"].timetable.expression == "*/15 * * * *"
    assert bag.dags["townsquare_x"].timetable.expression == "0 * * * *"  # the default
    assert bag.dags["townsquare_twcs"].timetable.expression == "0 0 * * *"  # the default, @daily
    assert DagBag(dag_folder=str(REPO / "dags")).import_errors == {}


def test_stackexchange_then_marts_run_end_to_end(airflow_db, dagbag, townsquare_home, tmp_path, monkeypatch,
                                         cardano_dump, bicycles_meta_dump):
    config = tmp_path / "townsquare.toml"
    config.write_text(
        f'[[sources]]\nkind = "stackexchange"\npath = "{cardano_dump}"\ncommunity = "cardano"\n'
        f'name = "Cardano Stack Exchange"\n\n'
        f'[[sources]]\nkind = "stackexchange"\npath = "{bicycles_meta_dump}"\ncommunity = "bicycles-meta"\n',
        encoding="utf-8")
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(config))

    def snapshot_rows():
        con = duckdb.connect(str(townsquare_home / "serving" / "current.duckdb"), read_only=True)
        try:
            return (con.execute("select community_id, members, questions, answers, comments "
                                "from mart_communities order by 1").fetchall(),
                    con.execute("select count(*) from mart_thread_response").fetchone()[0])
        finally:
            con.close()

    for dag_id in ("townsquare_stackexchange", "townsquare_marts"):
        assert str(dagbag.dags[dag_id].test().state) == "success"
    communities, threads = snapshot_rows()
    assert communities == [("bicycles-meta", 2550, 453, 971, 2448), ("cardano", 3987, 1042, 1496, 1829)]
    assert threads == 1042 + 453
    # a second run lands new batches of the same dumps and leaves the same marts
    for dag_id in ("townsquare_stackexchange", "townsquare_marts"):
        assert str(dagbag.dags[dag_id].test().state) == "success"
    assert snapshot_rows() == (communities, threads)


def test_a_failed_task_is_recorded(airflow_db, townsquare_home, tmp_path, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    config = tmp_path / "townsquare.toml"
    config.write_text(f'[[sources]]\nkind = "stackexchange"\npath = "{tmp_path / "no-such-dump"}"\n'
                      'community = "ghost"\n', encoding="utf-8")
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(config))
    dag = DagBag(dag_folder=str(REPO / "dags")).dags["townsquare_stackexchange"]
    for task in dag.tasks:
        task.retries = 0  # dag.test() would wait out the real backoff
    run = dag.test()
    assert str(run.state) == "failed"
    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    failures = con.execute("select dag_id, task_id, error from pipeline_failures").fetchall()
    con.close()
    assert ("townsquare_stackexchange", "extract") == failures[0][:2]
    assert "no-such-dump is not a folder" in failures[0][2]
