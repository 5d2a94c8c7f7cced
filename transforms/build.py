"""Build the SQL models of transforms/models into warehouse tables, in full or incrementally.

A refresh is incremental when nothing but data changed since the last one: the same model SQL, the
same settings (transforms/parameters) and the same identity resolution. Then each `refresh: daily`
model recomputes only its rows for the (community, day) pairs that loads recorded in `refresh_changes`,
widened by the model's `reach`, and `refresh: full` models are recomputed. Otherwise every model is
rebuilt. Either way the result equals a full rebuild (tests/transforms/test_incremental.py) and the
whole refresh is one transaction: a failure leaves the previous marts and the pending changes as
they were.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from transforms import parameters
from transforms.model import ALL_LATER_DAYS, Model, ModelError, load_models
from warehouse.db import quote_ident


@dataclass
class Refresh:
    mode: str                      # full, incremental
    reason: str
    as_of: dt.datetime
    changed_days: int = 0          # (community, day) pairs recorded by loads since the last refresh
    built: list[str] = field(default_factory=list)
    model_seconds: dict[str, float] = field(default_factory=dict)  # where the time went, model by model
    seconds: float = 0.0


def mart_names() -> list[str]:
    return [m.name for m in load_models() if m.is_mart]


def refresh_marts(con: duckdb.DuckDBPyConnection, as_of: dt.datetime | None = None, *, full: bool = False,
                  config_path: Path | None = None) -> Refresh:
    """Bring every model up to date with the warehouse; `as_of` is the marts' "now" (the end of the run's
    data interval; default the current UTC time, for runs outside Airflow)."""
    started = time.perf_counter()
    as_of = as_of or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    models = load_models()
    con.execute("begin transaction")
    try:
        settings_fingerprint = parameters.install(con, as_of, config_path)
        fingerprint = _fingerprint(models, settings_fingerprint)
        [(changed,)] = con.execute(
            "select count(*) from (select distinct community_id, day from refresh_changes)").fetchall()
        reason = _why_full(con, models, fingerprint) if not full else "asked for a full rebuild"
        refresh = Refresh("full" if reason else "incremental", reason or f"{changed:,} changed days", as_of, changed)
        _calendar(con)
        if reason:
            con.execute("create or replace temp table changed_days as select * from calendar_days")
        else:
            # Changed days, and the days by which a community's calendar grew at either end.
            con.execute("""
                create or replace temp table changed_days as
                select distinct community_id, day from refresh_changes
                union
                select d.community_id, d.day from calendar_days d left join refresh_calendar c using (community_id)
                where c.community_id is null or d.day < c.first_day or d.day > c.last_day""")
        con.execute("""insert or replace into refresh_calendar
                       select community_id, min(day), max(day) from calendar_days group by community_id""")
        for model in models:
            began = time.perf_counter()
            _build(con, model, incremental=not reason)
            refresh.model_seconds[model.name] = time.perf_counter() - began
            refresh.built.append(model.name)
        con.execute("delete from refresh_changes")
        # Only the accounts that are new or changed: rewriting every row cost seconds on large communities.
        con.execute(f"""delete from refresh_people where member_id not in (select member_id from members);
                        insert or replace into refresh_people
                        select {_PEOPLE} from members except select {_PEOPLE} from refresh_people""")
        refresh.seconds = time.perf_counter() - started
        con.execute("insert into refresh_runs values (?, ?, ?, ?, ?, ?, ?)",
                    [dt.datetime.now(dt.UTC).replace(tzinfo=None), as_of, refresh.mode, refresh.reason, fingerprint,
                     changed, refresh.seconds])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return refresh


def _fingerprint(models: list[Model], settings_fingerprint: str) -> str:
    identity = hashlib.sha256(settings_fingerprint.encode())
    for model in models:
        identity.update(f"{model.name}:{model.digest}\n".encode())
    return identity.hexdigest()[:16]


_PEOPLE = "member_id, person_id, is_bot, is_staff, display_name"


def _people_changed(con) -> bool:
    """Whether who is whom changed for accounts the last refresh knew (see refresh_people)."""
    [(changed,)] = con.execute(f"""
        select count(*) from (
            select {_PEOPLE} from refresh_people
            except
            select {_PEOPLE} from members where member_id in (select member_id from refresh_people)
            union all
            select member_id, null, null, null, null from members
            where member_id not in (select member_id from refresh_people)
              and person_id in (select person_id from refresh_people)
        )""").fetchall()
    return changed > 0


def _why_full(con, models: list[Model], fingerprint: str) -> str | None:
    """Why this refresh must rebuild everything, or None when an incremental refresh gives the same result."""
    last = con.execute("select fingerprint from refresh_runs order by refreshed_at desc limit 1").fetchall()
    if not last:
        return "first build"
    existing = {r[0] for r in con.execute("select table_name from duckdb_tables() where not temporary").fetchall()}
    existing |= {r[0] for r in con.execute("select view_name from duckdb_views() where not temporary").fetchall()}
    missing = [m.name for m in models if m.name not in existing]
    if missing:
        return f"new model(s): {', '.join(missing)}"
    if last[0][0] != fingerprint:
        return "model SQL or settings changed"
    if _people_changed(con):
        return "identity resolution changed who is whom (persons, bots, staff or names)"
    return None


def _calendar(con) -> None:
    """calendar_days: every day from each community's first to its last dated record."""
    con.execute("""
        create or replace temp table calendar_days as
        with ends as (
            select community_id, min(created_at) as first_at, max(created_at) as last_at from content group by all
            union all select community_id, min(joined_at), max(joined_at) from members group by all
            union all select community_id, min(occurred_at), max(occurred_at) from interactions group by all
            union all select community_id, min(created_at), max(greatest(created_at, updated_at, solved_at))
                      from tickets group by all
        ),
        bounds as (
            select community_id, min(first_at)::date as first_day, max(last_at)::date as last_day
            from ends where first_at is not null group by community_id
        )
        select community_id, unnest(generate_series(first_day, last_day, interval 1 day))::date as day from bounds""")


def _build(con, model: Model, incremental: bool) -> None:
    table = quote_ident(model.name)
    if model.view:
        if not incremental:
            con.execute(f"create or replace view {table} as {model.sql}")
        return
    if model.compute is not None:
        if model.refresh != "full":
            raise ModelError(f"transforms/models/{model.name}.py: Python models are recomputed in full; "
                             "declare `-- refresh: full` in HEADER")
        con.register("computed_rows", model.compute(con))
        con.execute(f"create or replace table {table} as select * from computed_rows")
        con.unregister("computed_rows")
        return
    if not incremental or model.refresh == "full":
        if model.refresh == "daily":
            _scope(con, model)
        con.execute(f"create or replace table {table} as {model.sql}")
        return
    _scope(con, model)
    columns = {r[0] for r in con.execute(f"describe {table}").fetchall()}
    if not {"community_id", "day"} <= columns:
        raise ModelError(f"transforms/models/{model.name}.sql: `refresh: daily` needs community_id and day columns "
                         "(the partition a refresh recomputes); add them or declare `refresh: full`")
    con.execute(f"delete from {table} t using refresh_days r where t.community_id = r.community_id and t.day = r.day")
    con.execute(f"insert into {table} select * from ({model.sql}) semi join refresh_days using (community_id, day)")


def _scope(con, model: Model) -> None:
    """refresh_days for one model: the changed days and the `reach` days after each."""
    if model.reach == ALL_LATER_DAYS:
        con.execute("""
            create or replace temp table refresh_days as
            select d.community_id, d.day from calendar_days d
            join (select community_id, min(day) as first_changed from changed_days group by all) c
              on c.community_id = d.community_id and d.day >= c.first_changed""")
        return
    con.execute(f"""
        create or replace temp table refresh_days as
        select distinct community_id, (day + to_days(shift))::date as day
        from changed_days, range(0, {int(model.reach) + 1}) as shifts(shift)""")
