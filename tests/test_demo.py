"""`townsquare demo` (what `make demo` runs): generate, run the DAG, serve, stop cleanly on Ctrl-C or SIGTERM."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.airflow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_demo_runs_the_dag_serves_and_stops_cleanly(tmp_path, stop):
    port = _free_port()
    env = os.environ | {"TOWNSQUARE_HOME": str(tmp_path / "home"), "AIRFLOW_HOME": str(tmp_path / "airflow")}
    env.pop("TOWNSQUARE_CONFIG", None)
    proc = subprocess.Popen([sys.executable, "-m", "townsquare.cli", "demo", "--members", "300", "--days", "90",
                             "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if "Townsquare dashboard: http://" in line:
                break
        assert f"http://127.0.0.1:{port}" in lines[-1], "".join(lines)
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert response.status == 200
                break
            except OSError:
                time.sleep(0.1)
        proc.send_signal(stop)  # Ctrl-C, or a service manager stopping it
        rest, _ = proc.communicate(timeout=30)
    finally:
        proc.kill()
    output = "".join(lines) + rest
    assert proc.returncode == 0, output
    assert "published" in output and "Townsquare dashboard stopped." in output
    assert (tmp_path / "home" / "serving" / "current.duckdb").exists()
