"""What the DAGs do when a task fails: record it in the warehouse, where operators and the dashboard
can see it next to the run log, then let Airflow's own alerting carry on."""
from __future__ import annotations

import datetime as dt
import logging

log = logging.getLogger(__name__)


def record_failure(context) -> None:
    ti = context.get("ti") or context.get("task_instance")
    error = context.get("exception")
    row = [ti.dag_id, ti.task_id, ti.run_id, int(getattr(ti, "try_number", 0) or 0),
           dt.datetime.now(dt.UTC).replace(tzinfo=None), f"{type(error).__name__}: {error}"[:4000] if error else None]
    try:
        from warehouse.db import writer

        with writer() as con:
            con.execute("insert or replace into pipeline_failures values (?, ?, ?, ?, ?, ?)", row)
    except Exception:  # a callback must never hide the task's own failure
        log.exception("could not record the failure of %s.%s in the warehouse", ti.dag_id, ti.task_id)
