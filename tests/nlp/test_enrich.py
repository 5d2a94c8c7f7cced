"""Incremental enrichment: every item once per text and pipeline version, in worker processes outside
the warehouse lock; items that cannot be enriched are counted with a reason, never crash a batch."""
from __future__ import annotations

import duckdb
import pytest

from nlp.pipeline import pipeline_version
from townsquare import pipeline
from warehouse.db import writer
from warehouse.settings import Source


@pytest.fixture
def community(townsquare_home, shared_dataset):
    """The X sample (several languages) and the TWCS support sample, ingested."""
    for kind, path in (("x", shared_dataset("twitter_v2_threads_twarc")),
                       ("twcs", shared_dataset("twcs_sample") / "sample.csv")):
        batch, _ = pipeline.extract(Source(kind, path, "acme", "Acme"))
        pipeline.load([batch])
    return townsquare_home


def _enrichments(home):
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute("select content_id, text_hash, pipeline_version, language, error from enrichments "
                           "order by content_id").fetchall()
    finally:
        con.close()


def test_every_item_once_then_only_what_changed(community):
    with writer() as con:
        items = con.execute("select count(*) from content").fetchone()[0]
    first = pipeline.enrich(processes=2)
    assert (first.pending, first.enriched) == (items, items) and first.shards >= 1
    rows = _enrichments(community)
    assert len(rows) == items and {v for _, _, v, _, _ in rows} == {pipeline_version()}
    languages = {lang for *_, lang, _ in rows}
    assert {"en", "und"} <= languages and len(languages - {"en", "und"}) >= 3  # the sample is multilingual

    # Sentiment only where the English-only scorer applies; other languages are left out visibly.
    con = duckdb.connect(str(community / "warehouse.duckdb"), read_only=True)
    by_language = con.execute("""
        select language in ('en', 'und') as scored_language, count(*) filter (where sentiment_label is not null),
               count(*) filter (where sentiment_label is null and sentiment_reasons[1] like 'not scored: written in %')
        from enrichments where error is null group by 1 order by 1""").fetchall()
    con.close()
    counts = {scored_language: (scored, explained) for scored_language, scored, explained in by_language}
    assert counts[False][0] == 0 and counts[False][1] > 0  # German, Spanish, ...: unscored, with the reason
    assert counts[True][0] > 0

    again = pipeline.enrich(processes=2)
    assert (again.pending, again.enriched) == (0, 0)  # unchanged content is not processed again

    with writer() as con:  # an edit changes the text and its hash
        con.execute("update content set body_text = 'Seit dem Update geht gar nichts mehr, bitte helft', "
                    "text_hash = md5('edited') where content_id = (select min(content_id) from content)")
    edited = pipeline.enrich(processes=1)
    assert (edited.pending, edited.enriched) == (1, 1)
    assert [r[3] for r in _enrichments(community) if r[1] == _md5("edited")] == ["de"]


def _md5(text: str) -> str:
    import hashlib

    return hashlib.md5(text.encode()).hexdigest()


def test_a_new_pipeline_version_enriches_everything_again(community, monkeypatch):
    before = pipeline.enrich(processes=1).version
    monkeypatch.setattr("nlp.pipeline.CODE_VERSION", "bumped-by-test")  # what a change to a component's logic does
    bumped = pipeline.enrich(processes=1)
    with writer() as con:
        items = con.execute("select count(*) from content").fetchone()[0]
    assert bumped.version != before and bumped.pending == items
    assert {v for _, _, v, _, _ in _enrichments(community)} == {before, bumped.version}


def test_bad_items_get_a_reason_and_never_crash_the_batch(townsquare_home):
    texts = {"empty": "", "huge": "The app crashes every time I open the settings page. " * 20_000, "emoji": "😀🔥🙏", "urls": "https://t.co/a https://x.com/b",
             "mixed": "Hello мир 世界 مرحبا", "surrogate": "bad \ud83d text", "normal": "Thanks, the fix works now"}
    with writer() as con:
        con.execute("insert into communities values ('acme', 'Acme', 'x', '', now(), now())")
        for key, text in texts.items():
            con.execute("insert into content (content_id, community_id, source, source_entity, source_record_id, "
                        "kind, created_at, body_text, text_hash, channel) values (?, 'acme', 'x', 'tweet', ?, "
                        "'tweet', now(), ?, md5(?), 'social')",
                        [f"acme/x/tweet/{key}", key, text.encode("utf-8", "replace").decode("utf-8")
                         if key != "surrogate" else "bad \\ud83d text", key])
    run = pipeline.enrich(processes=1)
    assert (run.pending, run.enriched, run.errors) == (7, 7, 1)
    rows = {cid.rsplit("/", 1)[1]: (lang, error) for cid, _, _, lang, error in _enrichments(townsquare_home)}
    assert rows["empty"] == (None, "no text to enrich")
    assert rows["normal"] == ("en", None) and rows["huge"][0] == "en"
    assert rows["emoji"][0] == rows["urls"][0] == "und"


def test_a_trained_topic_model_re_enriches_and_tags(community, tmp_path):
    before = pipeline.enrich(processes=1).version
    examples = tmp_path / "examples.csv"  # a support team's labelled examples
    rows = [("The app crashes when I open settings", "bug"), ("Error 500 after the update", "bug"),
            ("It freezes and then closes by itself", "bug"), ("Login fails with an error message", "bug"),
            ("The page is broken since yesterday", "bug"), ("I was charged twice this month", "billing"),
            ("How do I get a refund for my order", "billing"), ("My invoice shows the wrong amount", "billing"),
            ("Cancel my subscription and refund me", "billing"), ("Why was my card declined at checkout", "billing")]
    examples.write_text("text,label\n" + "".join(f'"{t}",{label}\n' for t, label in rows), encoding="utf-8")
    from townsquare.cli import main

    assert main(["topics", "train", str(examples), "--threshold", "0.0"]) == 0
    after = pipeline.enrich(processes=1)
    with writer() as con:
        items = con.execute("select count(*) from content").fetchone()[0]
        tagged = con.execute("select count(*) from enrichments where pipeline_version = ? and learned_topic in "
                             "('bug', 'billing')", [after.version]).fetchone()[0]
    assert after.version != before and after.pending == items  # retraining re-enriches everything
    assert tagged == items - after.errors  # threshold 0: every item with text gets one of the two topics


def test_topics_intent_and_entities_are_stored_with_their_evidence(community, tmp_path, monkeypatch):
    config = tmp_path / "townsquare.toml"
    config.write_text('''
[[topics.taxonomy]]
name = "Rail travel"
keywords = ["train", "ticket", "journey", "platform", "livechat"]

[[entities.catalogue]]
name = "Apple"
type = "BRAND"
aliases = ["@applesupport", "iphone", "ios"]
''')
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(config))
    pipeline.enrich(processes=1)
    con = duckdb.connect(str(community / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("""
            select lower(coalesce(c.title, '') || ' ' || c.body_text), e.language, e.topics, e.topic_evidence,
                   e.intent, e.intent_reason, [x.name for x in e.entities]
            from enrichments e join content c using (content_id) where e.error is null""").fetchall()
    finally:
        con.close()
    english = [r for r in rows if r[1] in ("en", "und")]
    mentions_apple = [r for r in english if "@applesupport" in r[0].split()]
    assert mentions_apple and all("Apple" in r[6] for r in mentions_apple)
    rail = [r for r in english if "Rail travel" in r[2]]
    assert rail and all(r[3][0].startswith("Rail travel: '") for r in rail)
    assert {r[4] for r in english} >= {"question", "complaint", "praise", "other"}
    assert all(r[5] for r in english)  # every intent says why
    other_languages = [r for r in rows if r[1] not in ("en", "und")]
    assert other_languages and all(r[4] is None and r[2] == [] for r in other_languages)
