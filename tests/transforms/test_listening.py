"""Listening marts: mart_listening_daily (volume and sentiment per channel and day) and mart_brand_daily
(brand and keyword mentions, share of voice), on hand-built fixtures worked out by hand and on the
shared real data against independent recounts in Python."""
from __future__ import annotations

import collections
import datetime as dt
import json
import re

import pyarrow as pa
import pytest

from tests.conftest import shared_data
from transforms.model import load_models
from transforms.parameters import listening
from warehouse.settings import ConfigError

DAY1 = dt.datetime(2025, 12, 1, 10)
DAY2 = dt.datetime(2025, 12, 2, 10)


def _member(member_id, **flags):
    return {"member_id": member_id, "community_id": "c", "joined_at": dt.datetime(2025, 1, 1), **flags}


def _item(content_id, created_at, kind="comment", channel="forum", author="m1", text=None):
    return {"content_id": content_id, "community_id": "c", "kind": kind, "channel": channel,
            "author_member_id": author, "created_at": created_at, "body_text": text or content_id,
            "text_hash": f"h-{content_id}"}


def _enrichment(content_id, label=None, sentiment=None, language="en", version="v1",
                enriched_at=dt.datetime(2025, 12, 5), text_hash=None, **extra):
    return {"content_id": content_id, "text_hash": text_hash or f"h-{content_id}", "pipeline_version": version,
            "community_id": "c", "language": language, "sentiment": sentiment, "sentiment_label": label,
            "enriched_at": enriched_at, **extra}


# --- mart_listening_daily, by hand ------------------------------------------------------------------

def test_listening_daily_by_hand(hand_warehouse):
    hand = hand_warehouse
    hand.add("members", [_member("m1"), _member("bot", is_bot=True), _member("agent", is_staff=True)])
    hand.add("enrichments", [
        _enrichment("p1", "positive", 0.6),
        _enrichment("p2", "negative", -0.4),
        _enrichment("p3", "neutral", 0.0),
        _enrichment("p4", language="de"),                          # another language: volume only
        _enrichment("p5", "positive", 0.9),                        # by a bot: not listened to
        _enrichment("p8", language=None, error="no text"),         # could not be analysed
        # p9: an enrichment of an older text, then two versions of its current text: the last one counts
        _enrichment("p9", "positive", 0.9, text_hash="old-text"),
        _enrichment("p9", "positive", 0.5, version="v1", enriched_at=dt.datetime(2025, 12, 2)),
        _enrichment("p9", "negative", -0.5, version="v2", enriched_at=dt.datetime(2025, 12, 3)),
        _enrichment("s1", "positive", 0.8),
        _enrichment("s2", "negative", -0.9),                       # by an agent: not listened to
        _enrichment("p10", "positive", 0.2),
    ])
    hand.add("content", [
        _item("p1", DAY1, "question"), _item("p2", DAY1, "answer"), _item("p3", DAY1), _item("p4", DAY1),
        _item("p5", DAY1, "answer", author="bot"),
        _item("p6", DAY1, "tag_wiki"),                              # site furniture
        _item("p7", DAY1, "answer"),                                # not enriched yet
        _item("p8", DAY1), _item("p9", DAY1, "question"),
        _item("s1", DAY1, "tweet", "social"), _item("s2", DAY1, "reply", "social", author="agent"),
        _item("p10", DAY2, "question"),
    ])
    hand.refresh()
    got = hand.rows("""select channel, day::varchar, items, items_scored, items_other_language, items_not_enriched,
                              items_not_analysable, positive, neutral, negative, net_sentiment, round(mean_sentiment, 6)
                       from mart_listening_daily order by day, channel""")
    assert got == [
        # forum day 1: p1 p2 p3 p4 p7 p8 p9 = 7 items; scored p1 p2 p3 p9 = 4 (p9 negative: its last enrichment)
        # net = (1 positive - 2 negative) / 4 = -0.25; mean = (0.6 - 0.4 + 0 - 0.5) / 4 = -0.075
        ("forum", "2025-12-01", 7, 4, 1, 1, 1, 1, 1, 2, -0.25, -0.075),
        # social day 1: s1 only (s2 is an agent's)
        ("social", "2025-12-01", 1, 1, 0, 0, 0, 1, 0, 0, 1.0, 0.8),
        ("forum", "2025-12-02", 1, 1, 0, 0, 0, 1, 0, 0, 1.0, 0.2),
    ]

    # A new negative item on day 2, refreshed incrementally: day 2 becomes (1 - 1) / 2 = 0, day 1 unchanged
    hand.add("enrichments", [_enrichment("p11", "negative", -0.6)])
    hand.add("content", [_item("p11", DAY2, "answer")])
    assert hand.refresh().mode == "incremental"
    assert hand.rows("""select channel, day::varchar, items, items_scored, net_sentiment, round(mean_sentiment, 6)
                        from mart_listening_daily order by day, channel""") == [
        ("forum", "2025-12-01", 7, 4, -0.25, -0.075),
        ("social", "2025-12-01", 1, 1, 1.0, 0.8),
        ("forum", "2025-12-02", 2, 2, 0.0, -0.2),   # (0.2 - 0.6) / 2
    ]


# --- mart_brand_daily, by hand ----------------------------------------------------------------------

BRAND_CONFIG = """
[[entities.catalogue]]
name = "Lumen Hub"
type = "PRODUCT"
aliases = ["hub"]

[[entities.catalogue]]
name = "Rival Box"
type = "BRAND"
competitor = true

[[marts.listening.keywords]]
name = "Outage"
terms = ["outage", "Down for everyone"]
"""


def _entities(*names, source="catalogue"):
    return [{"name": n, "type": "PRODUCT", "source": source} for n in names]


def test_brand_daily_by_hand(hand_warehouse, monkeypatch):
    hand = hand_warehouse
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(hand.write_config(BRAND_CONFIG)))
    hand.add("members", [_member("m1"), _member("bot", is_bot=True)])
    hand.add("enrichments", [
        _enrichment("b1", "positive", 0.5, entities=_entities("Lumen Hub")),
        _enrichment("b2", "negative", -0.5, entities=_entities("Lumen Hub", "Rival Box")),
        _enrichment("b3", language="de", entities=_entities("Rival Box")),
        _enrichment("b4", "positive", 0.4, entities=_entities("Lumen Hub", source="ner")),  # not the catalogue's
        _enrichment("b5", "neutral", 0.0),
        _enrichment("b6", "positive", 0.7),
        _enrichment("b7", "positive", 0.3),
        _enrichment("b8", "negative", -0.8),
        _enrichment("b9", "neutral", 0.0, entities=_entities("Lumen Hub")),
    ])
    hand.add("content", [
        _item("b1", DAY1, text="Love my hub"),
        _item("b2", DAY1, text="Hub beats Rival Box? No: an outage again, an OUTAGE"),
        _item("b3", DAY1, text="Rival Box ist gut"),
        _item("b4", DAY1, text="lumen hub"),
        _item("b5", DAY1, text="Is it DOWN FOR EVERYONE or just me"),
        _item("b6", DAY1, text="outages everywhere"),            # 'outages' is not the whole word 'outage'
        _item("b7", DAY1, text="blackout-outage."),
        _item("b8", DAY1, text="outage", author="bot"),          # bots are not listened to
        _item("b9", DAY1, text="the hub"),
    ])
    hand.refresh()
    got = hand.rows("""select brand, kind, is_competitor, mentions, mentions_scored, mentions_other_language,
                              positive, neutral, negative, net_sentiment, share_of_voice
                       from mart_brand_daily order by kind, brand""")
    assert got == [
        # Lumen Hub: b1 (+), b2 (-), b9 (neutral) = 3; net (1 - 1) / 3 = 0; share 3 / (3 + 2) brand mentions
        ("Lumen Hub", "brand", False, 3, 3, 0, 1, 1, 1, 0.0, 0.6),
        # Rival Box: b2 (-), b3 (German: volume only) = 2; net (0 - 1) / 1 = -1; share 2 / 5
        ("Rival Box", "brand", True, 2, 1, 1, 0, 0, 1, -1.0, 0.4),
        # Outage: b2 (-, once though written twice), b5 (neutral), b7 (+) = 3; the only keyword: share 1
        ("Outage", "keyword", False, 3, 3, 0, 1, 1, 1, 0.0, 1.0),
    ]


def test_tracked_brands_table(tmp_path, monkeypatch):
    config = tmp_path / "townsquare.toml"
    config.write_text(BRAND_CONFIG, encoding="utf-8")
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(config))
    section = {"keywords": [{"name": "Outage", "terms": ["outage", "Down for everyone", "OUTAGE"]}]}
    rows = listening.tables(section, "test")["param_tracked_brands"].to_pylist()
    assert rows == [
        {"name": "Lumen Hub", "is_competitor": False, "kind": "brand", "term": "Lumen Hub"},
        {"name": "Rival Box", "is_competitor": True, "kind": "brand", "term": "Rival Box"},
        {"name": "Outage", "is_competitor": False, "kind": "keyword", "term": "outage"},
        {"name": "Outage", "is_competitor": False, "kind": "keyword", "term": "down for everyone"},
    ]
    assert listening.tables({"include_catalogue": False}, "test")["param_tracked_brands"].num_rows == 0
    # the file the refresh reads, when given, wins over TOWNSQUARE_CONFIG
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(tmp_path / "absent.toml"))
    assert listening.tables({}, "test")["param_tracked_brands"].num_rows == 0
    assert [r["name"] for r in listening.tables({}, "test", config)["param_tracked_brands"].to_pylist()] == [
        "Lumen Hub", "Rival Box"]


@pytest.mark.parametrize("section, message", [
    ({"keyword": []}, "unknown key"),
    ({"include_catalogue": "yes"}, "include_catalogue must be true or false"),
    ({"keywords": {"name": "x"}}, "keywords must be a list"),
    ({"keywords": [{"name": "Outage"}]}, "terms must be a non-empty list"),
    ({"keywords": [{"name": "", "terms": ["a"]}]}, "needs a name"),
    ({"keywords": [{"name": "A", "terms": ["a"]}, {"name": "a", "terms": ["b"]}]}, "listed twice"),
    ({"keywords": [{"name": "A", "terms": ["a"], "competitor": "no"}]}, "competitor must be true or false"),
    ({"keywords": [{"name": "A", "terms": ["a"], "weight": 2}]}, "unknown key"),
    ({"keywords": [{"name": "lumen hub", "terms": ["lumen"]}]}, "name of a catalogue entry"),
])
def test_tracked_brands_bad_settings(tmp_path, monkeypatch, section, message):
    config = tmp_path / "townsquare.toml"
    config.write_text(BRAND_CONFIG, encoding="utf-8")
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(config))
    with pytest.raises(ConfigError, match=message):
        listening.tables(section, "[marts.listening]")


# --- real data --------------------------------------------------------------------------------------

EXCLUDED_KINDS = {"tag_wiki", "tag_wiki_excerpt", "moderator_nomination", "ticket"}


def _plain_rows(con, sql):
    result = con.execute(sql)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


def _listened(con):
    """Content rows a member wrote, with the last enrichment of the current text, chosen in Python."""
    members = {r["member_id"]: r for r in _plain_rows(con, "select member_id, is_bot, is_staff from members")}
    last = {}
    for e in _plain_rows(con, "select content_id, text_hash, pipeline_version, language, sentiment, "
                              "sentiment_label, error, enriched_at from enrichments"):
        key = (e["content_id"], e["text_hash"])
        if key not in last or (e["enriched_at"], e["pipeline_version"]) > (last[key]["enriched_at"],
                                                                          last[key]["pipeline_version"]):
            last[key] = e
    listened = []
    for c in _plain_rows(con, "select content_id, community_id, channel, kind, created_at, text_hash, title, "
                              "body_text, author_member_id from content"):
        author = members.get(c["author_member_id"])
        if c["kind"] in EXCLUDED_KINDS or (author and (author["is_bot"] or author["is_staff"])):
            continue
        c["enrichment"] = last.get((c["content_id"], c["text_hash"]))
        listened.append(c)
    return listened


def _status(e):
    if e is None:
        return "not_enriched"
    if e["error"]:
        return "not_analysable"
    if e["sentiment"] is not None:
        return "scored"
    return "other_language" if e["language"] not in (None, "en", "und") else "not_analysable"


def test_listening_daily_matches_a_recount_of_the_real_data(analytics_db):
    expected = collections.defaultdict(collections.Counter)
    for item in _listened(analytics_db):
        counts = expected[(item["community_id"], item["channel"], item["created_at"].date())]
        counts["items"] += 1
        status = _status(item["enrichment"])
        counts[status] += 1
        if status == "scored":
            counts[item["enrichment"]["sentiment_label"]] += 1
    got = {(r["community_id"], r["channel"], r["day"]): r for r in _plain_rows(
        analytics_db, "select * from mart_listening_daily")}
    assert set(got) == set(expected)
    for key, counts in expected.items():
        row = got[key]
        assert (row["items"], row["items_scored"], row["items_other_language"], row["items_not_enriched"],
                row["items_not_analysable"], row["positive"], row["neutral"], row["negative"]) == (
            counts["items"], counts["scored"], counts["other_language"], counts["not_enriched"],
            counts["not_analysable"], counts["positive"], counts["neutral"], counts["negative"]), key
        if counts["scored"]:
            assert row["net_sentiment"] == pytest.approx((counts["positive"] - counts["negative"]) / counts["scored"])
    # every channel and community of the fixture is there, and the X sample has other languages, visibly
    assert {k[1] for k in got} == {"forum", "social", "support"}
    x = [r for k, r in got.items() if k[0] == "x_sample"]
    assert sum(r["items_other_language"] for r in x) > 0


def _x_sample_tweets() -> dict[str, dict]:
    """Every tweet with a creation time in the X sample, read with json: the flattened file's tweets and
    the tweets they inline, and the API pages' data and included tweets."""
    folder = shared_data("twitter_v2_threads_twarc")
    tweets: dict[str, dict] = {}

    def add(tweet):
        if "created_at" in tweet:
            tweets.setdefault(tweet["id"], tweet)

    with open(folder / "flat.jsonl", encoding="utf-8") as f:
        for line in f:
            tweet = json.loads(line)
            add(tweet)
            for referenced in tweet.get("referenced_tweets") or []:
                add(referenced)
    for name in ("2sets.jsonl", "entities_test.jsonl"):
        with open(folder / name, encoding="utf-8") as f:
            for line in f:
                page = json.loads(line)
                for tweet in page.get("data", []) + page.get("includes", {}).get("tweets", []):
                    add(tweet)
    return tweets


def test_x_sample_tweets_per_day_match_the_source_files(analytics_db):
    tweets = _x_sample_tweets()
    per_day = collections.Counter(dt.date.fromisoformat(t["created_at"][:10]) for t in tweets.values())
    got = dict(analytics_db.execute(
        "select day, items from mart_listening_daily where community_id = 'x_sample' and channel = 'social'").fetchall())
    assert got == dict(per_day)
    # flat.jsonl alone: its 100 tweets of 2021-04-08 are all among that day's items
    with open(shared_data("twitter_v2_threads_twarc") / "flat.jsonl", encoding="utf-8") as f:
        flat = collections.Counter(json.loads(line)["created_at"][:10] for line in f)
    for day, count in flat.items():
        assert got[dt.date.fromisoformat(day)] >= count


def _run_models(con, names, tracked: pa.Table | None = None):
    """Build models as temporary objects on a read-only connection (the analytics warehouse is shared)."""
    con.execute("create or replace temp table refresh_days as "
                "select distinct community_id, created_at::date as day from content")
    con.execute("create or replace temp table refresh_context as select timestamp '2026-01-01' as as_of")
    if tracked is not None:
        con.register("tracked_rows", tracked)
        con.execute("create or replace temp table param_tracked_brands as select * from tracked_rows")
        con.unregister("tracked_rows")
    models = {m.name: m for m in load_models()}
    for name in names:
        kind = "view" if models[name].view else "table"
        con.execute(f"create or replace temp {kind} {name} as {models[name].sql}")


def test_keyword_mentions_match_a_recount_of_the_real_data(analytics_db, tmp_path, monkeypatch):
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(tmp_path / "absent.toml"))  # no catalogue: keywords only
    section = {"keywords": [
        {"name": "Plutus", "terms": ["plutus", "plutus core"]},
        {"name": "Wallets", "terms": ["wallet", "yoroi", "daedalus"]},
        {"name": "Bike parts", "terms": ["brake", "derailleur", "chain"], "competitor": True},
        {"name": "Refunds", "terms": ["refund", "money back"]},
    ]}
    tracked = listening.tables(section, "test")["param_tracked_brands"]
    _run_models(analytics_db, ["int_listening_items", "mart_brand_daily"], tracked)

    # Python: a term is mentioned when no word character (letter, digit, underscore) touches it
    patterns = {}
    for row in tracked.to_pylist():
        patterns.setdefault(row["name"], []).append(
            re.compile(r"(?<!\w)" + re.escape(row["term"]) + r"(?!\w)", re.IGNORECASE))
    expected = collections.defaultdict(collections.Counter)
    for item in _listened(analytics_db):
        text = " ".join(t for t in (item["title"], item["body_text"]) if t is not None)
        for name, compiled in patterns.items():
            if any(p.search(text) for p in compiled):
                counts = expected[(item["community_id"], name, item["created_at"].date())]
                counts["mentions"] += 1
                counts[_status(item["enrichment"])] += 1
    got = {(r["community_id"], r["brand"], r["day"]): r for r in _plain_rows(
        analytics_db, "select * from mart_brand_daily")}
    assert set(got) == set(expected)
    for key, counts in expected.items():
        assert (got[key]["mentions"], got[key]["mentions_scored"], got[key]["mentions_other_language"]) == (
            counts["mentions"], counts["scored"], counts["other_language"]), key
    # share of voice of a community's day sums to 1 over the keywords mentioned
    day_totals = collections.defaultdict(float)
    for (community, _, day), row in got.items():
        day_totals[(community, day)] += row["share_of_voice"]
    assert all(total == pytest.approx(1.0) for total in day_totals.values())
    assert sum(c["mentions"] for k, c in expected.items() if k[1] == "Plutus") > 50  # the check is not vacuous
