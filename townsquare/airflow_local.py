"""Run a Townsquare DAG through Airflow in this process, on a SQLite metadata DB under TOWNSQUARE_HOME.

This is how `townsquare demo` runs the same DAG code a scheduler would, without a server: Airflow's
`dag.test()` executes every task in order and records the run. Airflow reads its configuration from
the environment when first imported, so `prepare_environment` must run before any airflow import.
"""
from __future__ import annotations

import os
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


def run_dag(dag_id: str = "townsquare_forum") -> str:
    """Migrate the metadata DB if needed, run the DAG once, and return the run's final state."""
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
    run = bag.dags[dag_id].test()
    return str(run.state)
