"""The pipeline's steps, as plain functions: the Airflow tasks and the `townsquare` commands call these.

extract (parse a source into a landing batch, outside the warehouse lock) → load (merge batches into
the warehouse) → build (marts) → check → publish (atomic serving snapshot).
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from ingest.batches import extract_source
from ingest.framework import connector_for
from ingest.load import load_batch
from transforms.build import mart_names, refresh_marts
from transforms.checks import assert_marts_valid
from transforms.escalation_webhook import EscalationWebhookError, notify_new_escalations
from warehouse import identity, quality
from warehouse.core_checks import core_suites
from warehouse import settings
from warehouse.db import writer
from warehouse.landing import Manifest
from warehouse.publish import publish_snapshot

log = logging.getLogger(__name__)


def configured_sources(config_path: Path | None = None, channel: str | None = None) -> list[settings.Source]:
    """The configured sources (of one channel), each checked to be of a supported kind."""
    sources = settings.load_config(config_path).sources
    return [s for s in sources if channel is None or connector_for(s.kind).channel == channel]


def extract(source: settings.Source, progress: Callable[[str, int], None] | None = None) -> tuple[Path, Manifest]:
    return extract_source(source, progress)


def load(batch_dirs: list[Path]) -> list[Manifest]:
    with writer() as con:
        return [load_batch(con, Path(d)) for d in batch_dirs]


def enrich(processes: int | None = None):
    """NLP enrichment of the content that has none for the current pipeline version, then the emerging
    topics of the periods whose content or enrichment changed, and the idea themes (nlp/ideation)."""
    from nlp.emerging import refresh_emerging_topics
    from nlp.enrich import enrich as run_enrichment
    from nlp.ideation import refresh_idea_themes

    run = run_enrichment(processes)
    with writer() as con:
        run.emerging = refresh_emerging_topics(con).as_dict()
        run.ideation = refresh_idea_themes(con)
    return run


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A timestamp as naive UTC, the warehouse's convention (Airflow hands out aware datetimes)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return dt.datetime.fromtimestamp(moment.timestamp(), dt.UTC).replace(tzinfo=None)


def build_marts(run_id: str | None = None, as_of: dt.datetime | None = None, full: bool = False) -> list[str]:
    """Resolve identities and bot rules, check the core tables, refresh the marts (incrementally when only
    data changed; `full` rebuilds them all) and check them; a failed critical rule raises
    QualityGateFailed and nothing is published. `as_of` is the marts' "now": the end of the run's data
    interval (default: the current time)."""
    config = settings.load_config()
    with writer() as con:
        for community, name in config.community_names.items():
            con.execute("update communities set name = ? where community_id = ?", [name, community])
        identity.resolve(con, config.identity)
        assert_core_valid(con, run_id)
        refresh = refresh_marts(con, as_of, full=full, config_path=config.path)
        assert_marts_valid(con, run_id)
    return refresh.built


def assert_core_valid(con, run_id: str | None = None) -> None:
    outcomes = quality.validate(con, core_suites())
    quality.record(con, outcomes, "core", run_id)
    message = quality.failure_message(
        outcomes, "Marts not rebuilt and nothing published; the dashboard keeps serving the previous snapshot",
        "The core tables break a rule every load should keep: inspect the failing rows and the batch that "
        "loaded them (ingest_runs), fix the source or the connector, then load again.")
    if message:
        raise quality.QualityGateFailed(message)


def publish(run_id: str | None = None) -> Path:
    """Copy the checked marts into a new serving snapshot and swap it into place."""
    with writer() as con:
        assert_marts_valid(con, run_id)  # never publish marts that a failed build left behind
        snapshot = publish_snapshot(con, mart_names(), run_id)
        try:
            notify_new_escalations(con)  # [marts.escalation] webhook_url; nothing when none is set
        except EscalationWebhookError as e:
            # The marts are published; what was not sent goes out with the next run.
            log.warning("%s", e)
        return snapshot


def identity_review(community: str | None = None) -> tuple[list[tuple], list[tuple]]:
    """People with several accounts (person, account, name, handle, evidence) and unjoined accounts that
    share a handle across sources (account, account, handle)."""
    with writer() as con:
        people = con.execute("""
            select m.person_id, m.member_id, m.display_name, m.handle,
                   (select string_agg(distinct l.rule || coalesce(' (' || l.matched_on || ')', ''), '; ')
                    from identity_links l where m.member_id in (l.member_id, l.other_member_id)) as evidence
            from members m
            where m.person_id in (select person_id from members group by person_id having count(*) > 1)
              and (?::varchar is null or m.community_id = ?::varchar)
            order by m.person_id, m.joined_at nulls last, m.member_id""", [community, community]).fetchall()
        suggestions = con.execute("""
            select a.member_id, b.member_id, a.handle
            from members a join members b
              on a.community_id = b.community_id and lower(a.handle) = lower(b.handle)
             and a.source <> b.source and a.member_id < b.member_id and a.person_id <> b.person_id
            where (?::varchar is null or a.community_id = ?::varchar)
              and not exists (select 1 from identity_overrides o where o.member_id = a.member_id
                              and o.other_member_id = b.member_id)
            order by 3, 1""", [community, community]).fetchall()
    return people, suggestions


def identity_decision(member_id: str, other_member_id: str, decision: str, reason: str, decided_by: str) -> None:
    with writer() as con:
        identity.record_decision(con, member_id, other_member_id, decision, reason, decided_by)
