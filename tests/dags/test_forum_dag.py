"""The townsquare_forum DAG: loads cleanly, is wired as documented, and runs end to end in Airflow."""
from __future__ import annotations

import duckdb
import pytest

from pathlib import Path

pytestmark = pytest.mark.airflow
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


@pytest.fixture(scope="module")
def airflow_db():
    from airflow.utils import db

    db.resetdb()


def test_dagbag_has_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"townsquare_forum"}


def test_forum_dag_is_wired_and_documented(dagbag):
    dag = dagbag.dags["townsquare_forum"]
    assert set(dag.task_ids) == {"configured_sources", "extract", "load", "build_marts", "publish"}
    assert dag.get_task("extract").upstream_task_ids == {"configured_sources"}
    assert dag.get_task("load").upstream_task_ids == {"extract"}
    assert dag.get_task("build_marts").upstream_task_ids == {"load"}
    assert dag.get_task("publish").upstream_task_ids == {"build_marts"}
    for task_id in ("load", "build_marts", "publish"):
        assert dag.get_task(task_id).pool == "townsquare_warehouse"  # the single DuckDB writer
    assert dag.doc_md and "townsquare" in dag.tags
    for task in dag.tasks:
        assert task.owner == "townsquare" and task.retries >= 1
    assert [o.uri for o in dag.get_task("publish").outlets] == ["townsquare://serving/current"]


def test_forum_dag_runs_end_to_end(airflow_db, dagbag, townsquare_home, tmp_path, monkeypatch,
                                   cardano_dump, bicycles_meta_dump):
    config = tmp_path / "townsquare.toml"
    config.write_text(
        f'[[sources]]\nkind = "stackexchange"\npath = "{cardano_dump}"\ncommunity = "cardano"\n'
        f'name = "Cardano Stack Exchange"\n\n'
        f'[[sources]]\nkind = "stackexchange"\npath = "{bicycles_meta_dump}"\ncommunity = "bicycles-meta"\n',
        encoding="utf-8")
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(config))
    dag = dagbag.dags["townsquare_forum"]

    def snapshot_rows():
        con = duckdb.connect(str(townsquare_home / "serving" / "current.duckdb"), read_only=True)
        try:
            return (con.execute("select community_id, members, questions, answers, comments "
                                "from mart_communities order by 1").fetchall(),
                    con.execute("select count(*) from mart_thread_response").fetchone()[0])
        finally:
            con.close()

    assert str(dag.test().state) == "success"
    communities, threads = snapshot_rows()
    assert communities == [("bicycles-meta", 2550, 453, 971, 2448), ("cardano", 3987, 1042, 1496, 1829)]
    assert threads == 1042 + 453
    # a second run lands new batches of the same dumps and leaves the same marts
    assert str(dag.test().state) == "success"
    assert snapshot_rows() == (communities, threads)
