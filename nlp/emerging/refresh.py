"""Refresh the emerging-topic tables incrementally, under the warehouse writer lock.

Each community's content is cut into periods (calendar months, or ISO weeks). A period is computed again
only when its own items changed (ids, text hashes, or the language the latest enrichment gave them), when
the previous period changed (its growth is measured against it), or when the settings did; periods that
lost all their content are removed. A refresh therefore writes exactly what a full rebuild would.
"""
from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import asdict, dataclass

import pyarrow as pa

from nlp.emerging.settings import EmergingSettings, load_settings
from nlp.emerging.terms import clean, text_terms
from nlp.emerging.themes import PeriodThemes, find_themes
from nlp.text import MAX_CHARS


@dataclass
class EmergingRefresh:
    """What one refresh did; the item counts describe the warehouse after it (all periods)."""
    period_kind: str
    periods: int = 0               # community periods with content
    recomputed: int = 0            # periods computed by this refresh
    removed: int = 0               # periods whose content is gone
    skipped: int = 0               # recomputed periods without themes (too few items or terms)
    themes: int = 0                # themes written by this refresh
    items: int = 0
    items_analysed: int = 0        # English or undetermined
    items_other_language: int = 0  # left out, counted
    items_not_enriched: int = 0    # left out, counted: enrich first
    items_not_analysable: int = 0  # left out, counted: the enrichment recorded an error (no text, ...)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Period:
    community_id: str
    period_start: dt.date
    items: int
    analysed: int
    other_language: int
    not_enriched: int
    not_analysable: int
    fingerprint: str


PERIOD_ROWS = pa.schema([
    ("community_id", pa.string()), ("period_kind", pa.string()), ("period_start", pa.date32()),
    ("period_end", pa.date32()), ("status", pa.string()), ("items", pa.int64()), ("items_analysed", pa.int64()),
    ("items_other_language", pa.int64()), ("items_not_enriched", pa.int64()), ("items_not_analysable", pa.int64()),
    ("items_with_theme", pa.int64()), ("themes", pa.int32()), ("previous_items_analysed", pa.int64()),
    ("fingerprint", pa.string()), ("previous_fingerprint", pa.string()), ("parameters", pa.string()),
    ("computed_at", pa.timestamp("us")),
])
THEME_ROWS = pa.schema([
    ("community_id", pa.string()), ("period_kind", pa.string()), ("period_start", pa.date32()),
    ("theme_rank", pa.int32()), ("label", pa.string()), ("top_terms", pa.list_(pa.string())),
    ("term_keys", pa.list_(pa.string())), ("items", pa.int64()), ("share", pa.float64()),
    ("previous_items", pa.int64()), ("previous_share", pa.float64()), ("growth", pa.float64()),
    ("is_new", pa.bool_()), ("computed_at", pa.timestamp("us")),
])
ITEM_ROWS = pa.schema([
    ("community_id", pa.string()), ("period_kind", pa.string()), ("period_start", pa.date32()),
    ("theme_rank", pa.int32()), ("content_id", pa.string()), ("weight", pa.float64()),
])
TABLES = ("emerging_topic_periods", "emerging_topics", "emerging_topic_items")


def refresh_emerging_topics(con, settings: EmergingSettings | None = None, rebuild: bool = False) -> EmergingRefresh:
    """Bring emerging_topic_periods / emerging_topics / emerging_topic_items up to date with the content and
    its enrichments. `con` is the warehouse writer (warehouse.db.writer()); `rebuild` recomputes every period."""
    started = time.perf_counter()
    s = settings if settings is not None else load_settings()
    parameters = s.fingerprint()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    inventory = _inventory(con, s)
    stored = {} if rebuild else {
        (c, p): (fp, previous_fp, params) for c, p, fp, previous_fp, params in con.execute(
            "select community_id, period_start, fingerprint, previous_fingerprint, parameters "
            "from emerging_topic_periods where period_kind = ?", [s.period]).fetchall()}

    todo = []
    for key, period in sorted(inventory.items()):
        previous = inventory.get((key[0], previous_start(key[1], s.period)))
        if stored.get(key) != (period.fingerprint, previous.fingerprint if previous else "", parameters):
            todo.append(period)
    removed = [key for key in stored if key not in inventory]

    periods, themes, items = [], [], []
    tokenized: tuple[tuple[str, dt.date], list[list[str]]] | None = None  # the last period read, reused as a baseline
    for period in todo:
        key = (period.community_id, period.period_start)
        previous = inventory.get((key[0], previous_start(key[1], s.period)))
        baseline = previous if previous is not None and previous.analysed >= s.min_items else None
        result, ids = PeriodThemes(status="too_few_items"), []
        if period.analysed >= s.min_items:
            surfaces: Counter = Counter()
            ids, docs = _read_terms(con, key, surfaces)
            previous_docs = None
            if baseline is not None:
                previous_key = (baseline.community_id, baseline.period_start)
                previous_docs = tokenized[1] if tokenized and tokenized[0] == previous_key \
                    else _read_terms(con, previous_key)[1]
            result = find_themes(docs, surfaces, previous_docs, s)
            tokenized = (key, docs)
        periods.append(_period_row(period, s, result, baseline, previous, parameters, now))
        for theme in result.themes:
            themes.append(_theme_row(period, s, theme, baseline, now))
            items += [(period.community_id, s.period, period.period_start, theme.rank, ids[i], weight)
                      for i, weight in theme.items]

    _write(con, s.period, [(p.community_id, p.period_start) for p in todo] + removed,
           periods, themes, items, clear_all=rebuild)
    run = EmergingRefresh(s.period, periods=len(inventory), recomputed=len(todo), removed=len(removed),
                          skipped=sum(1 for p in periods if p["status"] != "themes"), themes=len(themes))
    for p in inventory.values():
        run.items += p.items
        run.items_analysed += p.analysed
        run.items_other_language += p.other_language
        run.items_not_enriched += p.not_enriched
        run.items_not_analysable += p.not_analysable
    run.seconds = round(time.perf_counter() - started, 3)
    return run


def previous_start(start: dt.date, kind: str) -> dt.date:
    if kind == "week":
        return start - dt.timedelta(days=7)
    return dt.date(start.year - 1, 12, 1) if start.month == 1 else dt.date(start.year, start.month - 1, 1)


def period_end(start: dt.date, kind: str) -> dt.date:
    if kind == "week":
        return start + dt.timedelta(days=7)
    return dt.date(start.year + 1, 1, 1) if start.month == 12 else dt.date(start.year, start.month + 1, 1)


def _inventory(con, s: EmergingSettings) -> dict[tuple[str, dt.date], _Period]:
    """Every community period with content: its counts by language status and its fingerprint. The items
    are kept in the temporary table _emerging_items for reading the texts of the periods to compute."""
    # The latest enrichment of the item's current text decides its language; none yet: not enriched.
    con.execute("""
        create or replace temp table _emerging_items as
        with latest as (
            select content_id, text_hash, language, error from enrichments
            qualify row_number() over (partition by content_id, text_hash
                                       order by enriched_at desc, pipeline_version desc) = 1)
        select c.community_id, date_trunc(?, c.created_at)::date as period_start, c.content_id, c.text_hash,
               case when l.content_id is null then 'not_enriched'
                    when l.error is not null or l.language is null then 'not_analysable'
                    when list_contains(?::varchar[], l.language) then 'analysed'
                    else 'other_language' end as status
        from content c left join latest l on l.content_id = c.content_id and l.text_hash = c.text_hash
        where not list_contains(?::varchar[], c.kind)""", [s.period, list(s.languages), list(s.exclude_kinds)])
    rows = con.execute("""
        select community_id, period_start, count(*),
               count(*) filter (where status = 'analysed'), count(*) filter (where status = 'other_language'),
               count(*) filter (where status = 'not_enriched'), count(*) filter (where status = 'not_analysable'),
               md5(string_agg(content_id || ' ' || text_hash || ' ' || status, chr(10) order by content_id))
        from _emerging_items group by community_id, period_start""").fetchall()
    return {(r[0], r[1]): _Period(*r) for r in rows}


def _read_terms(con, key: tuple[str, dt.date], surfaces: Counter | None = None) -> tuple[list[str], list[list[str]]]:
    """The analysed items of one period (content_id order) and their terms."""
    rows = con.execute(f"""
        select i.content_id, c.title, left(c.body_text, {MAX_CHARS})
        from _emerging_items i join content c on c.content_id = i.content_id
        where i.community_id = ? and i.period_start = ? and i.status = 'analysed'
        order by i.content_id""", list(key)).fetchall()
    return [r[0] for r in rows], [text_terms(clean(title, body), surfaces) for _, title, body in rows]


def _period_row(period: _Period, s: EmergingSettings, result: PeriodThemes, baseline: _Period | None,
                previous: _Period | None, parameters: str, now: dt.datetime) -> dict:
    return {"community_id": period.community_id, "period_kind": s.period, "period_start": period.period_start,
            "period_end": period_end(period.period_start, s.period), "status": result.status,
            "items": period.items, "items_analysed": period.analysed,
            "items_other_language": period.other_language, "items_not_enriched": period.not_enriched,
            "items_not_analysable": period.not_analysable,
            "items_with_theme": sum(len(t.items) for t in result.themes), "themes": len(result.themes),
            "previous_items_analysed": baseline.analysed if baseline is not None else None,
            "fingerprint": period.fingerprint, "previous_fingerprint": previous.fingerprint if previous else "",
            "parameters": parameters, "computed_at": now}


def growth(share: float, previous_share: float, previous_analysed: int) -> float:
    """Relative change of the theme's share, the previous share floored at one item's worth so a theme the
    previous period did not have gets a finite growth that is larger the bigger the theme is now."""
    return (share - previous_share) / max(previous_share, 1 / previous_analysed)


def _theme_row(period: _Period, s: EmergingSettings, theme, baseline: _Period | None, now: dt.datetime) -> dict:
    share = len(theme.items) / period.analysed
    row = {"community_id": period.community_id, "period_kind": s.period, "period_start": period.period_start,
           "theme_rank": theme.rank, "label": ", ".join(theme.terms[: s.label_terms]), "top_terms": theme.terms,
           "term_keys": theme.keys, "items": len(theme.items), "share": share, "previous_items": None,
           "previous_share": None, "growth": None, "is_new": None, "computed_at": now}
    if baseline is not None and theme.previous_items is not None:
        previous_share = theme.previous_items / baseline.analysed
        row.update(previous_items=theme.previous_items, previous_share=previous_share,
                   growth=growth(share, previous_share, baseline.analysed), is_new=theme.previous_items == 0)
    return row


def _write(con, kind: str, replaced: list[tuple[str, dt.date]], periods: list[dict], themes: list[dict],
           items: list[tuple], clear_all: bool) -> None:
    """Replace the recomputed and removed periods' rows in one transaction."""
    keys = pa.table({"community_id": [k[0] for k in replaced], "period_start": [k[1] for k in replaced]},
                    schema=pa.schema([("community_id", pa.string()), ("period_start", pa.date32())]))
    new = {"emerging_topic_periods": pa.Table.from_pylist(periods, schema=PERIOD_ROWS),
           "emerging_topics": pa.Table.from_pylist(themes, schema=THEME_ROWS),
           "emerging_topic_items": pa.Table.from_arrays([pa.array(column, type=field.type) for column, field in
                                                         zip(zip(*items) if items else [[]] * 6, ITEM_ROWS)],
                                                        schema=ITEM_ROWS)}
    con.register("_emerging_replaced", keys)
    con.execute("begin transaction")
    try:
        for table in TABLES:
            if clear_all:
                con.execute(f"delete from {table}")
            else:
                # A change of [topics.emerging] period leaves the other kind's rows behind: they go too.
                con.execute(f"delete from {table} where period_kind <> ?", [kind])
                con.execute(f"delete from {table} t using _emerging_replaced k where t.period_kind = ? "
                            "and t.community_id = k.community_id and t.period_start = k.period_start", [kind])
            con.register("_emerging_new", new[table])
            con.execute(f"insert into {table} by name select * from _emerging_new")
            con.unregister("_emerging_new")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_emerging_replaced")
        con.execute("drop table if exists _emerging_items")
