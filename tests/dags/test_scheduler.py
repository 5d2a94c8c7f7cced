"""The real thing: `townsquare airflow` (Airflow standalone, LocalExecutor, SQLite) runs the three source
DAGs at the same time while the dashboard is being read. Warehouse writes queue on the one-slot pool
and the file lock, so there is no lock error and no lost batch; the marts DAG follows on the asset."""
from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.airflow
SOURCE_DAGS = ["townsquare_stackexchange", "townsquare_x", "townsquare_twcs"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _airflow(env: dict, *args: str) -> str:
    result = subprocess.run([str(Path(sys.executable).parent / "airflow"), *args], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _states(env: dict, dag_id: str) -> list[str]:
    out = _airflow(env, "dags", "list-runs", dag_id, "-o", "plain")
    return [line.split()[2] for line in out.splitlines()[1:] if line.startswith(dag_id)]


@pytest.fixture
def standalone(tmp_path, shared_dataset):
    home, port = tmp_path / "home", _free_port()
    config = tmp_path / "townsquare.toml"
    config.write_text(f"""
[[sources]]
kind = "stackexchange"
path = "{shared_dataset('stackexchange_cardano')}"
community = "cardano"
name = "Cardano"

[[sources]]
kind = "x"
path = "{shared_dataset('twitter_v2_threads_twarc')}"
community = "cardano"

[[sources]]
kind = "twcs"
path = "{shared_dataset('twcs_sample') / 'sample.csv'}"
community = "cardano"
""", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env |= {"TOWNSQUARE_HOME": str(home), "TOWNSQUARE_CONFIG": str(config),
            "AIRFLOW_HOME": str(tmp_path / "airflow"), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(Path(__file__).resolve().parents[2] / "dags")}
    log = (tmp_path / "standalone.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "townsquare.cli", "airflow", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while "Airflow is ready" not in (tmp_path / "standalone.log").read_text(errors="replace"):
            assert proc.poll() is None, (tmp_path / "standalone.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "Airflow standalone did not get ready in 5 minutes"
            time.sleep(2)
        yield env, home, tmp_path / "standalone.log"
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_three_source_dags_at_once_while_the_dashboard_reads(standalone):
    from werkzeug.serving import make_server

    from dashboards import queries
    from dashboards.app import create_app

    env, home, log = standalone
    snapshot = home / "serving" / "current.duckdb"
    server = make_server("127.0.0.1", 0, create_app(snapshot).server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    reads, errors, stop = [0], [], threading.Event()

    def dashboard_reader():  # what an open dashboard does: load the page, query the snapshot
        while not stop.is_set():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/", timeout=10) as page:
                    assert page.status == 200
                if snapshot.exists():
                    queries.kpis(snapshot, None, dt.date(2000, 1, 1), dt.date(2100, 1, 1))
                reads[0] += 1
            except Exception as e:  # noqa: BLE001 - every failure is a finding
                errors.append(repr(e))
            time.sleep(0.2)

    reader = threading.Thread(target=dashboard_reader)
    reader.start()
    try:
        _airflow(env, "dags", "unpause", "townsquare_marts")
        for dag_id in SOURCE_DAGS:  # unpausing starts each DAG's latest interval at once
            _airflow(env, "dags", "unpause", dag_id)
        deadline = time.monotonic() + 600
        while True:
            states = {d: _states(env, d) for d in SOURCE_DAGS}
            marts = _states(env, "townsquare_marts")
            if all(s and s[0] in ("success", "failed") for s in states.values()) and marts \
                    and all(m in ("success", "failed") for m in marts):
                break
            assert time.monotonic() < deadline, f"runs not finished after 10 minutes: {states} {marts}"
            time.sleep(5)
    finally:
        stop.set()
        reader.join()
        server.shutdown()

    assert all(s == ["success"] for s in states.values()), states
    assert marts and set(marts) == {"success"}, marts
    task_logs = "\n".join(p.read_text(errors="replace") for p in Path(env["AIRFLOW_HOME"]).rglob("*.log"))
    assert "Could not set lock" not in task_logs and "Conflicting lock" not in task_logs
    assert errors == [] and reads[0] > 0

    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    loaded = {b for (b,) in con.execute("select distinct batch_id from ingest_runs").fetchall()}
    per_source = dict(con.execute("select source, sum(records_loaded) from ingest_runs group by 1").fetchall())
    con.close()
    landed = {p.name for p in (home / "landing").glob("*/*/*") if not p.name.endswith(".partial")}
    assert landed == loaded  # no lost batch
    assert per_source == {"stackexchange": 22389, "x": 774, "twcs": 93}
    con = duckdb.connect(str(snapshot), read_only=True)
    assert con.execute("select questions from mart_communities").fetchone()[0] == 1042
    con.close()
