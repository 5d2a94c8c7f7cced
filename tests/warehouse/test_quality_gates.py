"""Quality gates (Great Expectations suites in code): a failed critical rule stops the step after it
with a readable message, the warehouse or the snapshot stays as it was, and every outcome is recorded."""
from __future__ import annotations

import shutil

import duckdb
import pyarrow.parquet as pq
import pytest

from townsquare import pipeline
from warehouse import serving, settings
from warehouse.db import writer
from warehouse.quality import QualityGateFailed
from warehouse.settings import Source


@pytest.fixture
def published_copy(cardano_home, tmp_path, monkeypatch):
    home = tmp_path / "home"
    shutil.copytree(cardano_home, home)
    monkeypatch.setenv("TOWNSQUARE_HOME", str(home))
    return home


def _results(home, gate):
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute("select table_name, rule, severity, success, failing_rows from quality_results "
                           "where gate = ? order by table_name, rule", [gate]).fetchall()
    finally:
        con.close()


def test_every_gate_records_its_outcomes(published_copy):
    pipeline.build_marts("run-1")
    core = _results(published_copy, "core")
    marts = _results(published_copy, "marts")
    assert {t for t, *_ in core} == {"content", "members", "interactions", "tickets"}
    assert all(success for *_, success, _ in core + marts)
    assert ("mart_thread_response", "a question is unanswered exactly when it has no answers", "critical", True,
            0) in marts
    assert ("content", "channel is one of forum, social, support", "critical", True, 0) in core


def test_a_bad_core_table_stops_marts_and_publish(published_copy):
    before = settings.snapshot_path().read_bytes()
    with writer() as con:
        con.execute("update content set channel = 'fax' where content_id = 'cardano/stackexchange/post/1'")
    with pytest.raises(QualityGateFailed) as failure:
        pipeline.build_marts("run-2")
    message = str(failure.value)
    assert "content: channel is one of forum, social, support — 1 of 4,459 rows fail (e.g. fax)" in message
    assert "keeps serving the previous snapshot" in message
    assert settings.snapshot_path().read_bytes() == before
    assert serving.query("select run_id from snapshot_info").iloc[0, 0] == "test"
    assert ("content", "channel is one of forum, social, support", "critical", False, 1) in _results(
        published_copy, "core")


def test_a_bad_batch_is_not_merged(townsquare_home, cardano_dump):
    batch_dir, _ = pipeline.extract(Source("stackexchange", cardano_dump, "cardano", "Cardano"))
    # A landing batch edited by hand (or written by a buggy connector): two posts lose their creation time.
    posts = batch_dir / "posts.parquet"
    broken = duckdb.sql(f"select * replace (case when id in (1, 2) then null else created_at end as created_at) "
                        f"from '{posts}'").to_arrow_table()
    pq.write_table(broken, posts)
    with pytest.raises(QualityGateFailed) as failure:
        pipeline.load([batch_dir])
    message = str(failure.value)
    assert "not loaded; the warehouse is unchanged" in message
    assert "content: created_at is never empty — 2 of" in message and str(batch_dir) in message
    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    assert con.execute("select count(*) from content").fetchone()[0] == 0
    assert con.execute("select count(*) from ingest_runs").fetchone()[0] == 0
    assert con.execute("select count(*) from quality_results where gate = 'staging' and not success "
                       "and severity = 'critical'").fetchone()[0] == 1
    con.close()
