"""Rebuild idea_themes / idea_theme_items from the content, its tags, its enrichments and duplicate links.

Ideas are few (a community's feature requests and suggestions), so every refresh recomputes them all, in
one transaction, under the warehouse writer lock the caller holds.
"""
from __future__ import annotations

import datetime as dt
import time

import pyarrow as pa

from nlp.ideation.group import Idea, group_ideas
from nlp.ideation.settings import IdeationSettings, load_settings
from nlp.text import MAX_CHARS

THEME_ROWS = pa.schema([
    ("community_id", pa.string()), ("theme_id", pa.string()), ("label", pa.string()),
    ("terms", pa.list_(pa.string())), ("ideas", pa.int32()), ("posts", pa.int32()),
    ("parameters", pa.string()), ("computed_at", pa.timestamp("us")),
])
ITEM_ROWS = pa.schema([
    ("community_id", pa.string()), ("theme_id", pa.string()), ("content_id", pa.string()),
    ("is_duplicate_of", pa.string()), ("duplicate_reason", pa.string()), ("similarity", pa.float64()),
    ("found_by", pa.string()),
])

# Ideas start a conversation (no parent: a question, a tweet, a topic) and carry an idea tag or, by the
# latest enrichment of their current text, the intent "idea".
IDEAS = f"""
    with latest as (
        select content_id, text_hash, intent from enrichments
        qualify row_number() over (partition by content_id, text_hash
                                   order by enriched_at desc, pipeline_version desc) = 1),
    candidates as (
        select c.community_id, c.content_id, c.created_at, c.title, left(c.body_text, {MAX_CHARS}) as body,
               list_has_any(list_transform(coalesce(c.tags, []::varchar[]), lambda t: lower(t)), ?::varchar[]) as tagged,
               ?::boolean and coalesce(l.intent = 'idea', false) as by_intent
        from content c
        left join latest l on l.content_id = c.content_id and l.text_hash = c.text_hash
        where c.parent_id is null and not list_contains(?::varchar[], c.kind))
    select community_id, content_id, created_at, title, body,
           case when tagged and by_intent then 'tag+intent' when tagged then 'tag' else 'intent' end as found_by
    from candidates where tagged or by_intent
    order by community_id, content_id"""


def refresh_idea_themes(con, settings: IdeationSettings | None = None) -> dict:
    """Recompute every community's idea themes; return what was written (counts per table, seconds)."""
    started = time.perf_counter()
    s = settings if settings is not None else load_settings()
    parameters = s.fingerprint()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = con.execute(IDEAS, [list(s.idea_tags), s.use_intent, list(s.exclude_kinds)]).fetchall()
    by_community: dict[str, list[tuple]] = {}
    for row in rows:
        by_community.setdefault(row[0], []).append(row)
    links = con.execute("""select community_id, content_id, related_content_id from content_links
                           where link_type = 'duplicate' order by all""").fetchall()

    themes, items = [], []
    for community_id, ideas in by_community.items():
        found_by = {r[1]: r[5] for r in ideas}
        pairs = [(d, o) for c, d, o in links if c == community_id]
        for theme in group_ideas(community_id, [Idea(r[1], r[2], r[3], r[4]) for r in ideas], pairs, s):
            themes.append({"community_id": community_id, "theme_id": theme.theme_id, "label": theme.label,
                           "terms": theme.terms, "ideas": sum(1 for m in theme.members if m.is_duplicate_of is None),
                           "posts": len(theme.members), "parameters": parameters, "computed_at": now})
            items += [{"community_id": community_id, "theme_id": theme.theme_id, "content_id": m.content_id,
                       "is_duplicate_of": m.is_duplicate_of, "duplicate_reason": m.duplicate_reason,
                       "similarity": m.similarity, "found_by": found_by[m.content_id]} for m in theme.members]
    _write(con, pa.Table.from_pylist(themes, schema=THEME_ROWS), pa.Table.from_pylist(items, schema=ITEM_ROWS))
    return {"communities": len(by_community), "ideas": sum(t["ideas"] for t in themes), "posts": len(items),
            "themes": len(themes), "duplicates": sum(1 for i in items if i["is_duplicate_of"] is not None),
            "parameters": parameters, "seconds": round(time.perf_counter() - started, 3)}


def _write(con, themes: pa.Table, items: pa.Table) -> None:
    con.execute("begin transaction")
    try:
        for name, table in (("idea_themes", themes), ("idea_theme_items", items)):
            con.execute(f"delete from {name}")
            con.register("_idea_rows", table)
            con.execute(f"insert into {name} by name select * from _idea_rows")
            con.unregister("_idea_rows")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
