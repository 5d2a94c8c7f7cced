"""Topic marts: mart_topic_daily, mart_topic_period (weekly and monthly volume, sentiment, growth, share)
and mart_emerging_topics, on hand-built fixtures worked out by hand and on the shared real data against
independent recounts in Python."""
from __future__ import annotations

import collections
import datetime as dt
import re

import pyarrow as pa
import pytest

from tests.transforms.test_listening import _listened, _plain_rows, _run_models, _status


def _item(content_id, day, author="m1"):
    return {"content_id": content_id, "community_id": "c", "kind": "comment", "channel": "forum",
            "author_member_id": author, "created_at": dt.datetime.fromisoformat(day) + dt.timedelta(hours=9),
            "body_text": content_id, "text_hash": f"h-{content_id}"}


def _enrichment(content_id, label=None, sentiment=None, topics=(), learned=None, language="en"):
    return {"content_id": content_id, "text_hash": f"h-{content_id}", "pipeline_version": "v1", "community_id": "c",
            "language": language, "sentiment": sentiment, "sentiment_label": label, "topics": list(topics),
            "learned_topic": learned, "enriched_at": dt.datetime(2025, 12, 3)}


# Mondays: 2025-11-03, 2025-11-10, 2025-12-01 (weeks start on Monday)
ITEMS = [
    ("a1", "2025-11-03", _enrichment("a1", "positive", 0.5, ["Billing"])),
    ("a2", "2025-11-03", _enrichment("a2", "negative", -0.5, ["Billing", "Login"], "account")),
    ("a3", "2025-11-04", _enrichment("a3", "neutral", 0.0)),                      # no topic
    ("a4", "2025-11-10", _enrichment("a4", "positive", 0.4, ["Billing"], "account")),
    ("a5", "2025-11-10", _enrichment("a5", "negative", -0.4, ["Billing"])),
    ("a6", "2025-11-11", _enrichment("a6", "neutral", 0.0, ["Login"])),
    ("a7", "2025-12-01", _enrichment("a7", "positive", 0.6, ["Billing"])),
    ("a8", "2025-12-01", _enrichment("a8", learned="account", language="de")),   # other language
    ("a9", "2025-12-02", _enrichment("a9", "positive", 0.2, ["Shipping"])),
]


@pytest.fixture
def topics_warehouse(hand_warehouse):
    hand = hand_warehouse
    hand.add("members", [{"member_id": "m1", "community_id": "c", "joined_at": dt.datetime(2025, 1, 1)}])
    hand.add("enrichments", [e for _, _, e in ITEMS])
    hand.add("content", [_item(cid, day) for cid, day, _ in ITEMS])
    return hand


def test_topic_daily_by_hand(topics_warehouse):
    topics_warehouse.refresh()
    got = topics_warehouse.rows("""
        select topic, topic_source, day::varchar, items, items_scored, items_other_language,
               positive, neutral, negative, net_sentiment
        from mart_topic_daily order by day, topic_source desc, topic""")
    assert got == [
        ("Billing", "taxonomy", "2025-11-03", 2, 2, 0, 1, 0, 1, 0.0),      # a1 +, a2 -: (1 - 1) / 2
        ("Login", "taxonomy", "2025-11-03", 1, 1, 0, 0, 0, 1, -1.0),       # a2 -
        ("account", "learned", "2025-11-03", 1, 1, 0, 0, 0, 1, -1.0),      # a2 -
        ("Billing", "taxonomy", "2025-11-10", 2, 2, 0, 1, 0, 1, 0.0),      # a4 +, a5 -
        ("account", "learned", "2025-11-10", 1, 1, 0, 1, 0, 0, 1.0),       # a4 +
        ("Login", "taxonomy", "2025-11-11", 1, 1, 0, 0, 1, 0, 0.0),        # a6 neutral
        ("Billing", "taxonomy", "2025-12-01", 1, 1, 0, 1, 0, 0, 1.0),      # a7 +
        ("account", "learned", "2025-12-01", 1, 0, 1, 0, 0, 0, None),      # a8 German: volume, no sentiment
        ("Shipping", "taxonomy", "2025-12-02", 1, 1, 0, 1, 0, 0, 1.0),     # a9 +
    ]


def test_topic_period_by_hand(topics_warehouse):
    topics_warehouse.refresh(as_of=dt.datetime(2025, 12, 20))
    got = topics_warehouse.rows("""
        select period_kind, period_start::varchar, is_complete, topic, items, net_sentiment, community_items,
               round(share_of_items, 6), previous_items, growth, is_new
        from mart_topic_period order by period_kind, period_start, topic_source desc, topic""")
    third, two_thirds = round(1 / 3, 6), round(2 / 3, 6)
    assert got == [
        # November: community items a1..a6 = 6; October had none, so no baseline
        ("month", "2025-11-01", True, "Billing", 4, 0.0, 6, two_thirds, None, None, None),   # a1 a2 a4 a5: (2 - 2) / 4
        ("month", "2025-11-01", True, "Login", 2, -0.5, 6, third, None, None, None),         # a2 -, a6 neutral
        ("month", "2025-11-01", True, "account", 2, 0.0, 6, third, None, None, None),        # a2 -, a4 +
        # December (running on 2025-12-20): a7 a8 a9 = 3 items; Login had none, so no row
        ("month", "2025-12-01", False, "Billing", 1, 1.0, 3, third, 4, -0.75, False),       # (1 - 4) / 4
        ("month", "2025-12-01", False, "Shipping", 1, 1.0, 3, third, 0, None, True),        # new this month
        ("month", "2025-12-01", False, "account", 1, None, 3, third, 2, -0.5, False),       # (1 - 2) / 2
        # week of 11-03: a1 a2 a3; the week before had nothing
        ("week", "2025-11-03", True, "Billing", 2, 0.0, 3, two_thirds, None, None, None),
        ("week", "2025-11-03", True, "Login", 1, -1.0, 3, third, None, None, None),
        ("week", "2025-11-03", True, "account", 1, -1.0, 3, third, None, None, None),
        # week of 11-10: a4 a5 a6, each topic as big as the week before: growth 0
        ("week", "2025-11-10", True, "Billing", 2, 0.0, 3, two_thirds, 2, 0.0, False),
        ("week", "2025-11-10", True, "Login", 1, 0.0, 3, third, 1, 0.0, False),
        ("week", "2025-11-10", True, "account", 1, 1.0, 3, third, 1, 0.0, False),
        # week of 12-01 (ends 12-08, before as_of): the week of 11-24 had no items, so no baseline
        ("week", "2025-12-01", True, "Billing", 1, 1.0, 3, third, None, None, None),
        ("week", "2025-12-01", True, "Shipping", 1, 1.0, 3, third, None, None, None),
        ("week", "2025-12-01", True, "account", 1, None, 3, third, None, None, None),
    ]


def test_emerging_topics_by_hand(topics_warehouse):
    hand = topics_warehouse
    hand.add("members", [{"member_id": "bot", "community_id": "c", "is_bot": True, "joined_at": dt.datetime(2025, 1, 1)}])
    hand.add("enrichments", [_enrichment("z1", "positive", 0.9)])
    hand.add("content", [_item("z1", "2025-11-05", author="bot")])
    common = {"community_id": "c", "period_kind": "month", "period_start": dt.date(2025, 11, 1)}
    hand.add("emerging_topic_periods", [{
        **common, "period_end": dt.date(2025, 12, 1), "status": "themes", "items": 7, "items_analysed": 7,
        "items_other_language": 0, "items_not_enriched": 0, "items_not_analysable": 0, "items_with_theme": 6,
        "themes": 2, "previous_items_analysed": 20, "fingerprint": "f", "previous_fingerprint": "p",
        "parameters": "x", "computed_at": dt.datetime(2025, 12, 3)}])
    hand.add("emerging_topics", [
        {**common, "theme_rank": 1, "label": "refund, invoice", "top_terms": ["refund", "invoice"],
         "term_keys": ["refund", "invoic"], "items": 4, "share": 4 / 7, "previous_items": 2, "previous_share": 0.1,
         "growth": 4.714, "is_new": False, "computed_at": dt.datetime(2025, 12, 3)},
        {**common, "theme_rank": 2, "label": "login", "top_terms": ["login"], "term_keys": ["login"], "items": 2,
         "share": 2 / 7, "previous_items": 0, "previous_share": 0.0, "growth": 5.714, "is_new": True,
         "computed_at": dt.datetime(2025, 12, 3)}])
    hand.add("emerging_topic_items", [
        {**common, "theme_rank": 1, "content_id": cid, "weight": 0.5} for cid in ("a1", "a2", "a4", "z1")] + [
        {**common, "theme_rank": 2, "content_id": cid, "weight": 0.5} for cid in ("a5", "a3")])
    hand.refresh(as_of=dt.datetime(2025, 12, 20))
    got = hand.rows("""select theme_rank, label, period_end::varchar, is_complete, items, round(share, 6), growth,
                              is_new, items_analysed, previous_items_analysed, items_scored, positive, neutral,
                              negative, round(net_sentiment, 6)
                       from mart_emerging_topics order by theme_rank""")
    assert got == [
        # theme 1: a1 +, a2 -, a4 + (z1 is a bot's, not listened to): (2 - 1) / 3
        (1, "refund, invoice", "2025-12-01", True, 4, round(4 / 7, 6), 4.714, False, 7, 20, 3, 2, 0, 1,
         round(1 / 3, 6)),
        # theme 2: a5 -, a3 neutral: (0 - 1) / 2
        (2, "login", "2025-12-01", True, 2, round(2 / 7, 6), 5.714, True, 7, 20, 2, 0, 1, 1, -0.5),
    ]


# --- real data --------------------------------------------------------------------------------------

def test_emerging_topics_mart_matches_the_real_themes(analytics_db):
    themes = _plain_rows(analytics_db, "select * from emerging_topics")
    periods = {(p["community_id"], p["period_kind"], p["period_start"]): p
               for p in _plain_rows(analytics_db, "select * from emerging_topic_periods")}
    listened = {item["content_id"]: item for item in _listened(analytics_db)}
    sentiment = collections.defaultdict(collections.Counter)
    for row in _plain_rows(analytics_db, "select * from emerging_topic_items"):
        item = listened.get(row["content_id"])
        if item and _status(item["enrichment"]) == "scored":
            key = (row["community_id"], row["period_kind"], row["period_start"], row["theme_rank"])
            sentiment[key]["scored"] += 1
            sentiment[key][item["enrichment"]["sentiment_label"]] += 1
    got = {(r["community_id"], r["period_kind"], r["period_start"], r["theme_rank"]): r
           for r in _plain_rows(analytics_db, "select * from mart_emerging_topics")}
    assert len(themes) > 100 and len(got) == len(themes)
    for theme in themes:
        key = (theme["community_id"], theme["period_kind"], theme["period_start"], theme["theme_rank"])
        row, counts, period = got[key], sentiment[key], periods[key[:3]]
        assert (row["label"], row["items"], row["growth"], row["is_new"]) == (
            theme["label"], theme["items"], theme["growth"], theme["is_new"])
        assert (row["items_analysed"], row["period_end"]) == (period["items_analysed"], period["period_end"])
        assert (row["items_scored"], row["positive"], row["neutral"], row["negative"]) == (
            counts["scored"], counts["positive"], counts["neutral"], counts["negative"]), key
    # the cardano month the Plutus Pioneer Program started (docs/nlp/emerging_topics.md)
    may = [r for k, r in got.items() if k[0] == "cardano" and k[2] == dt.date(2021, 5, 1)]
    assert any("plutus" in r["label"] for r in may)


# Topics given to real items by a rule in Python (the fixture's config has no taxonomy), to check the
# topic marts' counting, periods and growth on real volumes.
RULES = {"Staking": re.compile(r"\bstak(e|ing|ed)\b", re.I), "Wallets": re.compile(r"\bwallets?\b", re.I),
         "Brakes": re.compile(r"\bbrakes?\b", re.I), "Delays": re.compile(r"\b(delay|delayed|late)\b", re.I)}


def _period_starts(day: dt.date) -> dict[str, dt.date]:
    return {"week": day - dt.timedelta(days=day.weekday()), "month": day.replace(day=1)}


def _previous(kind: str, start: dt.date) -> dt.date:
    if kind == "week":
        return start - dt.timedelta(days=7)
    return (start - dt.timedelta(days=1)).replace(day=1)


def test_topic_marts_match_a_recount_of_real_items(analytics_db):
    items = _listened(analytics_db)
    topic_rows = []
    for item in items:
        e = item["enrichment"]
        if e is None:
            continue
        text = " ".join(t for t in (item["title"], item["body_text"]) if t)
        topics = [name for name, rule in RULES.items() if rule.search(text)] if e["language"] in ("en", "und") else []
        learned = "long post" if len(text) > 600 else None
        topic_rows.append({"content_id": item["content_id"], "text_hash": e["text_hash"],
                           "pipeline_version": e["pipeline_version"], "topics": topics, "learned": learned})
        item["topics"] = [(t, "taxonomy") for t in topics] + ([(learned, "learned")] if learned else [])
    analytics_db.register("topic_rows", pa.Table.from_pylist(topic_rows))
    analytics_db.execute("""
        create temp table enrichments as
        select e.* replace (t.topics as topics, t.learned as learned_topic)
        from main.enrichments e left join topic_rows t using (content_id, text_hash, pipeline_version)""")
    _run_models(analytics_db, ["int_current_enrichment", "int_listening_items", "mart_listening_daily",
                               "mart_topic_daily",
                               "mart_topic_period"])

    community = collections.Counter()
    volume = collections.defaultdict(collections.Counter)
    for item in items:
        for kind, start in _period_starts(item["created_at"].date()).items():
            community[(item["community_id"], kind, start)] += 1
            for topic in item.get("topics", []):
                counts = volume[(item["community_id"], kind, start) + topic]
                counts["items"] += 1
                status = _status(item["enrichment"])
                counts[status] += 1
                if status == "scored":
                    counts[item["enrichment"]["sentiment_label"]] += 1
    got = {(r["community_id"], r["period_kind"], r["period_start"], r["topic"], r["topic_source"]): r
           for r in _plain_rows(analytics_db, "select * from mart_topic_period")}
    assert set(got) == set(volume)
    for key, counts in volume.items():
        row = got[key]
        community_key, previous_start = key[:3], _previous(key[1], key[2])
        previous = volume.get(key[:2] + (previous_start,) + key[3:], {}).get("items", 0)
        has_baseline = community[(key[0], key[1], previous_start)] > 0
        assert (row["items"], row["items_scored"], row["positive"], row["negative"], row["community_items"]) == (
            counts["items"], counts["scored"], counts["positive"], counts["negative"], community[community_key]), key
        assert row["share_of_items"] == pytest.approx(counts["items"] / community[community_key])
        assert row["previous_items"] == (previous if has_baseline else None), key
        assert row["growth"] == (pytest.approx((counts["items"] - previous) / previous) if has_baseline and previous
                                 else None), key
    # not vacuous: every rule found items, and some months have growth
    assert {k[3] for k in got} == set(RULES) | {"long post"}
    assert sum(1 for r in got.values() if r["growth"] is not None) > 20
