"""Run a Townsquare DAG through Airflow in this process, on a SQLite metadata DB under TOWNSQUARE_HOME.

This is how `townsquare demo` runs the same DAG code a scheduler would, without a server: Airflow's
`dag.test()` executes every task in order and records the run. Airflow reads its configuration from
the environment when first imported, so `prepare_environment` must run before any airflow import.
"""
from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

from warehouse import settings

DAGS_FOLDER = Path(__file__).resolve().parents[1] / "dags"
WAREHOUSE_POOL = "townsquare_warehouse"  # the DAGs' pool for warehouse writes: one slot, one writer


def prepare_environment() -> Path:
    airflow_home = Path(os.environ.get("AIRFLOW_HOME", settings.home() / "airflow"))
    os.environ["AIRFLOW_HOME"] = str(airflow_home)
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS_FOLDER))
    os.environ.setdefault("AIRFLOW__CORE__PARALLELISM", "2")
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    airflow_home.mkdir(parents=True, exist_ok=True)
    return airflow_home


def run_dags(dag_ids: list[str]) -> dict[str, str]:
    """Migrate the metadata DB if needed, run each DAG once in order; return each run's final state.

    Stops at the first run that does not succeed. Asset-triggered DAGs are run explicitly, in the order
    a scheduler would trigger them (sources before `townsquare_marts`).
    """
    prepare_environment()
    # dag.test() talks to the in-process API through starlette's TestClient, which warns about httpx on
    # every run; it says nothing a Townsquare user can act on.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from airflow.dag_processing.dagbag import DagBag
    from airflow.models.pool import Pool
    from airflow.utils import db

    db.initdb()
    Pool.create_or_update_pool(WAREHOUSE_POOL, slots=1, description="DuckDB single writer", include_deferred=False)
    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    if bag.import_errors:
        raise RuntimeError(f"DAG files failed to import: {bag.import_errors}")
    states = {}
    for dag_id in dag_ids:
        dag = bag.dags[dag_id]
        for task in dag.tasks:
            task.retries = 0  # in-process runs are interactive: report a failure now, not after backoff
        states[dag_id] = str(dag.test().state)
        if states[dag_id] != "success":
            break
    return states


def pipeline_dag_ids() -> list[str]:
    """The DAGs of the configured source kinds, then the marts DAG."""
    from ingest.framework import KINDS
    from townsquare.pipeline import configured_sources

    kinds = {s.kind for s in configured_sources()}
    return [f"townsquare_{kind}" for kind in KINDS if kind in kinds] + ["townsquare_marts"]


def run_standalone(port: int = 8080) -> None:
    """Replace this process with `airflow standalone` for the Townsquare DAGs, sized for a small machine.

    Binds the API server and UI to 127.0.0.1, uses the LocalExecutor with low parallelism on the SQLite
    metadata DB under $TOWNSQUARE_HOME/airflow, and creates the warehouse pool first. For production
    (PostgreSQL metadata DB, Celery or Kubernetes executor) see README.md.
    """
    from warehouse import settings

    prepare_environment()
    os.environ.setdefault("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")
    os.environ["AIRFLOW__API__HOST"] = "127.0.0.1"
    os.environ["AIRFLOW__API__PORT"] = str(port)
    # Task processes report to the execution API; its default URL assumes port 8080.
    os.environ["AIRFLOW__API__BASE_URL"] = f"http://127.0.0.1:{port}"
    os.environ["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] = f"http://127.0.0.1:{port}/execution/"
    os.environ.setdefault("AIRFLOW__API__WORKERS", "1")
    os.environ.setdefault("AIRFLOW__SCHEDULER__PARSING_PROCESSES", "1")
    os.environ["TOWNSQUARE_HOME"] = str(settings.home().resolve())
    os.environ["TOWNSQUARE_CONFIG"] = str(settings.config_path())  # tasks run in other processes and folders
    # standalone starts its components as `airflow ...` subprocesses: the venv's bin must be on PATH.
    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    from airflow.models.pool import Pool
    from airflow.utils import db

    db.initdb()
    Pool.create_or_update_pool(WAREHOUSE_POOL, slots=1, description="DuckDB single writer", include_deferred=False)
    print(f"Airflow for Townsquare: http://127.0.0.1:{port}  (home {os.environ['AIRFLOW_HOME']}; "
          f"login printed below and in simple_auth_manager_passwords.json.generated; Ctrl-C to stop)", flush=True)
    os.execv(str(Path(bin_dir) / "airflow"), ["airflow", "standalone"])
