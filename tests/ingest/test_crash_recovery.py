"""A crash (SIGKILL) during extract or load, then a re-run, ends with the same warehouse as a run that
was never interrupted: a batch is merged in one transaction, and a half-written batch is never loaded."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from synthetic.stackexchange import generate_stackexchange_dump

TABLES = {"content": "content_id", "members": "member_id", "interactions": "interaction_id",
          "groups": "group_id", "content_groups": "content_id, group_id", "badges": "badge_id",
          "content_history": "history_id", "ingest_runs": "batch_id, source_file", "source_cursors": "source_key"}

_STEP = """
import sys
from pathlib import Path
from townsquare import pipeline
from warehouse.settings import Source
if sys.argv[1] == "extract":
    pipeline.extract(Source("stackexchange", Path(sys.argv[2]), "acme", "Acme"))
else:
    pipeline.load([Path(sys.argv[2])])
"""


def _start(step: str, target: Path, home: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _STEP, step, str(target)],
                            env=os.environ | {"TOWNSQUARE_HOME": str(home)}, stderr=subprocess.PIPE, text=True)


def _run(step: str, target: Path, home: Path) -> float:
    started = time.perf_counter()
    proc = _start(step, target, home)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return time.perf_counter() - started


def _kill_midway(step: str, target: Path, home: Path, after: float) -> None:
    proc = _start(step, target, home)
    time.sleep(after)
    assert proc.poll() is None, "the step finished before it could be killed: give it more work"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def dump(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "dump"
    generate_stackexchange_dump(folder, members=20_000, days=365, seed=3, site_name="acme")
    return folder


def test_killed_load_then_rerun_equals_an_uninterrupted_load(dump, tmp_path, warehouse_tables):
    # One extract, copied to two homes: the batch and its id are the same in both.
    _run("extract", dump, tmp_path / "clean")
    batch = next((tmp_path / "clean" / "landing" / "stackexchange" / "acme").iterdir())
    shutil.copytree(tmp_path / "clean", tmp_path / "crashed")
    crashed_batch = tmp_path / "crashed" / batch.relative_to(tmp_path / "clean")

    load_seconds = _run("load", batch, tmp_path / "clean")
    _kill_midway("load", crashed_batch, tmp_path / "crashed", after=load_seconds * 0.6)

    # The crash left nothing half-merged: the transaction either never committed or the WAL replays it whole.
    after_crash = warehouse_tables(tmp_path / "crashed", TABLES)
    assert after_crash["content"] in ([], warehouse_tables(tmp_path / "clean", TABLES)["content"])
    assert after_crash["ingest_runs"] == [] or len(after_crash["ingest_runs"]) == 8

    _run("load", crashed_batch, tmp_path / "crashed")
    assert warehouse_tables(tmp_path / "crashed", TABLES) == warehouse_tables(tmp_path / "clean", TABLES)


def test_killed_extract_leaves_no_batch_to_load(dump, tmp_path, warehouse_tables):
    home = tmp_path / "home"
    extract_seconds = _run("extract", dump, tmp_path / "timing")
    _kill_midway("extract", dump, home, after=extract_seconds * 0.5)
    landing = home / "landing" / "stackexchange" / "acme"
    assert [p.suffix for p in landing.iterdir()] == [".partial"]  # unfinished, under its temporary name

    _run("extract", dump, home)
    complete = [p for p in landing.iterdir() if not p.name.endswith(".partial")]
    assert len(complete) == 1
    _run("load", complete[0], home)
    rows = warehouse_tables(home, TABLES)
    posts = sum(1 for line in (dump / "Posts.xml").open(encoding="utf-8-sig") if line.lstrip().startswith("<row"))
    assert sum(1 for r in rows["content"] if "/post/" in r[0]) == posts
