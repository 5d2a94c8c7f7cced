"""`townsquare dashboard`: prints its address, serves the page, and stops cleanly on Ctrl-C."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dashboard_command_serves_and_stops_on_ctrl_c(two_communities_snapshot):
    port = _free_port()
    env = os.environ | {"TOWNSQUARE_HOME": str(two_communities_snapshot.parents[1])}
    proc = subprocess.Popen([sys.executable, "-m", "townsquare.cli", "dashboard", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first_line = proc.stdout.readline()
        assert f"Townsquare dashboard: http://127.0.0.1:{port}" in first_line
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert response.status == 200 and b"Townsquare" in response.read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the dashboard did not answer on its address")
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, output
    assert "Townsquare dashboard stopped." in output and "Traceback" not in output


def test_dashboard_command_says_when_the_port_is_taken(two_communities_snapshot):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = os.environ | {"TOWNSQUARE_HOME": str(two_communities_snapshot.parents[1])}
        result = subprocess.run([sys.executable, "-m", "townsquare.cli", "dashboard", "--port", str(port)], env=env,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
    assert "Townsquare dashboard: http" not in result.stdout
