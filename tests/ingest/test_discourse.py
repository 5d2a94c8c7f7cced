"""Discourse connector against a local fake forum (discourse_server.py serving fixtures/discourse).

Every expected value is computed here from the fixture JSON (or the fake server's state built from
it), not with Townsquare code. Runs go through the real CLI: `townsquare ingest configured`.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import socket
from pathlib import Path

import duckdb
import httpx
import pytest
from discourse_server import FakeDiscourse, load_fixture

from ingest.discourse import client as discourse_client
from ingest.discourse.client import Connection, DiscourseClient, HttpFailure, retry_after_seconds
from townsquare.cli import main

P = "acme/discourse"  # <community>/<namespace>
KEY = "dk-4f1e9a7c-TEST-ONLY-do-not-leak"
KEY_ENV = "ACME_DISCOURSE_KEY"
PER_PAGE, CHUNK, PAGE_SIZE = 3, 4, 3  # topics per /latest page, posts per topic page, post ids per posts.json
LATEST = "/latest.json?order=activity&page={}"
TABLES = {"members": "member_id", "content": "content_id", "interactions": "interaction_id", "groups": "group_id",
          "content_groups": "content_id, group_id", "content_history": "history_id"}


# -- fixtures ------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def waits(monkeypatch) -> list[float]:
    """Every wait the client asks for, instead of waiting; jitter off so backoff is exact."""
    asked: list[float] = []
    monkeypatch.setattr(discourse_client, "sleep", asked.append)
    monkeypatch.setattr(discourse_client, "jitter", lambda: 0.0)
    return asked


@pytest.fixture
def forum():
    server = FakeDiscourse(per_page=PER_PAGE, chunk_size=CHUNK, api_key=KEY).start()
    yield server
    server.stop()


@pytest.fixture
def configure(townsquare_home, tmp_path, monkeypatch):
    """Write a townsquare.toml with one Discourse source and point TOWNSQUARE_CONFIG at it."""

    def write(url: str, **options) -> None:
        entry = {"kind": "discourse", "community": "acme", "name": "Acme Community", "url": url,
                 "api_username": "system", "api_key_env": KEY_ENV, "page_size": PAGE_SIZE, **options}
        entry = {k: v for k, v in entry.items() if v is not None}
        lines = ["[[sources]]"] + [f"{k} = {json.dumps(v)}" for k, v in entry.items()]
        path = tmp_path / "townsquare.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        monkeypatch.setenv("TOWNSQUARE_CONFIG", str(path))

    monkeypatch.setenv(KEY_ENV, KEY)
    return write


def ingest() -> int:
    return main(["ingest", "configured"])


def connect(home) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)


def snapshot(home) -> dict[str, list]:
    with connect(home) as con:
        return {t: con.execute(f"select * from {t} order by {key}").fetchall() for t, key in TABLES.items()}


def runs_of_last_batch(con) -> dict[str, tuple]:
    # The newest landing batch: batch ids sort by the second only, and these runs are quick.
    home = Path(con.execute("select path from duckdb_databases() where database_name = current_database()"
                            ).fetchone()[0]).parent
    manifests = sorted((home / "landing").rglob("manifest.json"), key=lambda m: m.stat().st_mtime_ns)
    batch = json.loads(manifests[-1].read_text(encoding="utf-8"))["batch_id"]
    return {r[0]: r[1:] for r in con.execute(
        "select source_file, status, records_read, records_loaded, records_quarantined from ingest_runs "
        "where batch_id = ?", [batch]).fetchall()}


def stored_cursor(home) -> dict | None:
    with connect(home) as con:
        row = con.execute("select cursor from source_cursors where source_key = ?", [P]).fetchone()
    return json.loads(row[0]) if row else None


# -- what the fixtures say, computed independently ------------------------------------------------

def ts(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def likes(post: dict) -> int:
    return sum(a.get("count", 0) for a in post.get("actions_summary", []) if a["id"] == 2)


def kind(post: dict) -> str:
    if post["post_number"] == 1:
        return "topic"
    return {2: "moderator_action", 3: "small_action"}.get(post["post_type"], "reply")


def expected_content(entries: list[dict]) -> dict[str, tuple]:
    """content_id → (kind, thread_id, parent_id, author_member_id, score, title, accepted_answer_id)."""
    out = {}
    for entry in entries:
        posts = {p["post_number"]: p for p in entry["posts"]}
        first = posts[1]
        accepted = entry["view"].get("accepted_answer", {}).get("post_number")
        for post in entry["posts"]:
            parent = None
            if post["post_number"] > 1:
                parent = posts.get(post["reply_to_post_number"], first)["id"]
            out[f"{P}/post/{post['id']}"] = (
                kind(post), f"{P}/post/{first['id']}", f"{P}/post/{parent}" if parent else None,
                f"{P}/user/{post['user_id']}", likes(post),
                entry["topic"]["title"] if post["post_number"] == 1 else None,
                f"{P}/post/{posts[accepted]['id']}" if post["post_number"] == 1 and accepted else None)
    return out


def expected_interactions(entries: list[dict]) -> dict[str, tuple]:
    """interaction_id → (kind, from, to, content_id, via_content_id)."""
    out = {}
    for entry in entries:
        posts = {p["post_number"]: p for p in entry["posts"]}
        first = posts[1]
        for post in entry["posts"]:
            if post["post_number"] > 1 and post["post_type"] in (1, 4):
                target = posts.get(post["reply_to_post_number"], first)
                out[f"{P}/reply/{post['id']}"] = ("reply", f"{P}/user/{post['user_id']}",
                                                  f"{P}/user/{target['user_id']}", f"{P}/post/{target['id']}",
                                                  f"{P}/post/{post['id']}")
        accepted = entry["view"].get("accepted_answer")
        if accepted:
            answer = posts[accepted["post_number"]]
            out[f"{P}/accept/{entry['topic']['id']}"] = (
                "accept", f"{P}/user/{first['user_id']}", f"{P}/user/{answer['user_id']}",
                f"{P}/post/{answer['id']}", f"{P}/post/{first['id']}")
    return out


def all_categories() -> list[dict]:
    pending, out = list(load_fixture("categories.json")["category_list"]["categories"]), []
    while pending:
        category = pending.pop(0)
        out.append(category)
        pending.extend(category.get("subcategory_list", []))
    return out


def posts_requests(entries: list[dict], since_post: int = 0) -> list[str]:
    """The /t/{id}/posts.json calls for posts beyond each topic's first chunk, `PAGE_SIZE` ids each."""
    calls = []
    for entry in entries:
        rest = [p["id"] for p in entry["posts"][CHUNK:] if p["id"] > since_post]
        for start in range(0, len(rest), PAGE_SIZE):
            ids = rest[start:start + PAGE_SIZE]
            calls.append(f"/t/{entry['topic']['id']}/posts.json?" + "&".join(f"post_ids[]={i}" for i in ids))
    return calls


# -- a full crawl ----------------------------------------------------------------------------------

def test_full_crawl_loads_topics_posts_members_categories_and_interactions(forum, configure, townsquare_home):
    configure(forum.url)
    assert ingest() == 0
    entries = list(forum.topics.values())
    listing = forum.listing()

    pages = -(-len(listing) // PER_PAGE)
    assert pages >= 2
    assert forum.requests_to("/latest.json") == [LATEST.format(n) for n in range(pages)]
    assert forum.requests_to("/categories.json") == ["/categories.json?include_subcategories=true"]
    topic_pages = [r for r in forum.requests if r.startswith("/t/") and "/posts.json" not in r]
    assert topic_pages == [f"/t/{t['id']}.json" for t in listing]  # in the listing's order, each once
    assert max(len(e["posts"]) for e in entries) > CHUNK  # a topic longer than its first chunk...
    by_listing = sorted(entries, key=lambda e: [t["id"] for t in listing].index(e["topic"]["id"]))
    assert forum.requests_to("/t/") and [r for r in forum.requests if "/posts.json" in r] == \
        posts_requests(by_listing)  # ...whose other posts come from posts.json, PAGE_SIZE ids at a time
    assert all(h.get("Api-Key") == KEY and h.get("Api-Username") == "system" for h in forum.headers)

    want = expected_content(entries)
    users = {p["user_id"]: p for e in entries for p in e["posts"]}
    with connect(townsquare_home) as con:
        got = {r[0]: r[1:] for r in con.execute(
            "select content_id, kind, thread_id, parent_id, author_member_id, score, title, accepted_answer_id "
            "from content").fetchall()}
        assert got == want
        assert con.execute("select count(*) from content where channel = 'forum' and source = 'discourse'"
                           ).fetchone()[0] == sum(len(e["posts"]) for e in entries)

        # Topic rows carry the topic's tags, views and category; every row its like count in metrics.
        topics = {r[0]: r[1:] for r in con.execute(
            "select content_id, tags, views, answer_count from content where kind = 'topic'").fetchall()}
        assert topics == {f"{P}/post/{e['posts'][0]['id']}": (e["topic"]["tags"], e["topic"]["views"],
                                                              e["topic"]["posts_count"] - 1) for e in entries}
        metrics = dict(con.execute("select content_id, metrics->>'$.likes' from content").fetchall())
        assert metrics == {f"{P}/post/{p['id']}": str(likes(p)) for e in entries for p in e["posts"]}
        groups = set(con.execute("select content_id, group_id from content_groups").fetchall())
        assert groups == {(f"{P}/post/{e['posts'][0]['id']}", f"{P}/category/{e['topic']['category_id']}")
                          for e in entries}

        # Text is the cooked HTML as plain text; the url points at the post.
        post = entries[-1]["posts"][0]
        body, url = con.execute("select body_text, url from content where content_id = ?",
                                [f"{P}/post/{post['id']}"]).fetchone()
        assert "<" not in body and "error while loading shared libraries" in body
        assert url == f"{forum.url}/t/{post['topic_slug']}/{post['topic_id']}/1"

        members = {r[0]: r[1:] for r in con.execute(
            "select member_id, handle, display_name, is_bot, is_staff from members").fetchall()}
        assert members == {f"{P}/user/{uid}": (p["username"], p["name"] or p["username"], uid < 0,
                                               p["admin"] or p["moderator"] or p["staff"])
                           for uid, p in users.items()}
        assert members[f"{P}/user/-1"][2] and members[f"{P}/user/-2"][2]  # system and discobot are bots

        categories = {r[0]: r[1:] for r in con.execute(
            "select group_id, kind, name, item_count from groups").fetchall()}
        assert categories == {f"{P}/category/{c['id']}": ("category", c["name"], c["topic_count"])
                              for c in all_categories()}
        assert any("parent_category_id" in c for c in all_categories())  # subcategories were walked

        interactions = {r[0]: r[1:] for r in con.execute(
            "select interaction_id, kind, from_member_id, to_member_id, content_id, via_content_id "
            "from interactions").fetchall()}
        assert interactions == expected_interactions(entries)
        assert not con.execute("select * from interactions where kind = 'like'").fetchall()  # likes: counts only

        runs = runs_of_last_batch(con)
        assert all(read == loaded + quarantined for _, read, loaded, quarantined in runs.values())
        assert runs["t/{id}.json"][1] == sum(min(len(e["posts"]), CHUNK) for e in entries)
        assert runs["t/{id}/posts.json"][1] == sum(max(len(e["posts"]) - CHUNK, 0) for e in entries)
        assert runs["categories.json"][1:3] == (len(all_categories()), len(all_categories()))
        assert sum(v[1] for k, v in runs.items() if k.startswith("latest page")) == len(listing)
        assert con.execute("select count(*) from quarantine").fetchone()[0] == 0

    assert stored_cursor(townsquare_home) == {
        "bumped_at": max(e["topic"]["bumped_at"] for e in entries),
        "post_id": max(p["id"] for e in entries for p in e["posts"])}


def test_reading_everything_again_changes_nothing(forum, configure, townsquare_home):
    configure(forum.url)
    assert ingest() == 0
    before = snapshot(townsquare_home)
    with duckdb.connect(str(townsquare_home / "warehouse.duckdb")) as con:
        con.execute("delete from source_cursors")  # forget the cursor: the next run reads the whole forum
    forum.requests.clear()
    assert ingest() == 0
    assert len(forum.requests_to("/t/")) > len(forum.topics)  # it really read everything again
    assert snapshot(townsquare_home) == before
    assert before["content_history"] == []


# -- incremental runs ------------------------------------------------------------------------------

def test_second_run_reads_only_bumped_and_new_topics_and_a_third_reads_one_page(forum, configure,
                                                                                  townsquare_home):
    configure(forum.url)
    assert ingest() == 0
    first_entries = {t: json.loads(json.dumps(e)) for t, e in forum.topics.items()}
    cursor = stored_cursor(townsquare_home)

    forum.apply_changes()
    changes = load_fixture("changes.json")
    bumped = {int(t) for t in changes["topics"]}
    new = {e["topic"]["id"] for e in changes["new_topics"]}
    forum.requests.clear()
    assert ingest() == 0

    # The listing is read until an unpinned topic not bumped since the cursor shows up.
    listing = forum.listing()
    stop = next(i for i, t in enumerate(listing) if not t["pinned"] and t["bumped_at"] <= cursor["bumped_at"])
    read_topics = [t["id"] for t in listing if t["bumped_at"] > cursor["bumped_at"]]
    assert set(read_topics) == bumped | new
    changed = [forum.topics[t] for t in read_topics]
    expected_requests = ([LATEST.format(n) for n in range(stop // PER_PAGE + 1)]
                         + ["/categories.json?include_subcategories=true"]
                         + [f"/t/{t}.json" for t in read_topics] + posts_requests(changed, cursor["post_id"]))
    assert sorted(forum.requests) == sorted(expected_requests)
    # Only the new post of the bumped topic is fetched beyond its first chunk, not the ones read before.
    new_posts = [p["id"] for posts in changes["new_posts"].values() for p in posts]
    assert [r for r in forum.requests if "/posts.json" in r] == [
        f"/t/{t}/posts.json?post_ids[]={i}" for t, posts in changes["new_posts"].items() for i in
        [p["id"] for p in posts]]

    entries = list(forum.topics.values())
    with connect(townsquare_home) as con:
        got = {r[0]: r[1:] for r in con.execute(
            "select content_id, kind, thread_id, parent_id, author_member_id, score, title, accepted_answer_id "
            "from content").fetchall()}
        assert got == expected_content(entries)
        # The new reply answers a post this run did not fetch again: found in the warehouse.
        reply = next(p for posts in changes["new_posts"].values() for p in posts)
        replied_to = next(p for p in first_entries[reply["topic_id"]]["posts"]
                          if p["post_number"] == reply["reply_to_post_number"])
        assert replied_to["id"] not in new_posts and replied_to["post_number"] > CHUNK
        assert got[f"{P}/post/{reply['id']}"][2] == f"{P}/post/{replied_to['id']}"
        interactions = {r[0]: r[1:] for r in con.execute(
            "select interaction_id, kind, from_member_id, to_member_id, content_id, via_content_id "
            "from interactions").fetchall()}
        assert interactions == expected_interactions(entries)
        newcomers = {p["user_id"] for e in entries for p in e["posts"]} - {
            p["user_id"] for e in first_entries.values() for p in e["posts"]}
        assert newcomers and {r[0] for r in con.execute("select member_id from members").fetchall()} >= {
            f"{P}/user/{u}" for u in newcomers}
        runs = runs_of_last_batch(con)
        assert runs["t/{id}.json"][1] == sum(min(len(forum.topics[t]["posts"]), CHUNK) for t in read_topics)
        assert runs["t/{id}/posts.json"][1] == len(new_posts)
        assert sum(v[1] for k, v in runs.items() if k.startswith("latest page")) == len(read_topics)
    assert stored_cursor(townsquare_home) == {
        "bumped_at": max(e["topic"]["bumped_at"] for e in entries),
        "post_id": max(p["id"] for e in entries for p in e["posts"])}

    # Third run, nothing changed: one listing page, nothing else, nothing different.
    after_second = snapshot(townsquare_home)
    cursor = stored_cursor(townsquare_home)
    forum.requests.clear()
    assert ingest() == 0  # nothing new since the cursor is a quiet run, not a failure
    assert forum.requests == [LATEST.format(0)]
    assert snapshot(townsquare_home) == after_second
    assert stored_cursor(townsquare_home) == cursor
    with connect(townsquare_home) as con:
        assert runs_of_last_batch(con) == {"latest page 0": ("ok", 0, 0, 0)}


# -- retries ---------------------------------------------------------------------------------------

def test_429_waits_as_long_as_retry_after_says(forum, configure, townsquare_home, waits):
    configure(forum.url)
    forum.fail(LATEST.format(1), status=429, headers={"Retry-After": "7"})
    assert ingest() == 0
    assert waits == [7.0]
    assert forum.requests_to("/latest.json").count(LATEST.format(1)) == 2
    with connect(townsquare_home) as con:
        assert con.execute("select count(*) from content").fetchone()[0] == sum(
            len(e["posts"]) for e in forum.topics.values())


def test_500_is_retried_with_backoff_then_succeeds(forum, configure, townsquare_home, waits):
    configure(forum.url)
    forum.fail("/t/103.json", status=500, times=2)
    assert ingest() == 0
    assert waits == [1.0, 2.0]  # exponential backoff from backoff_seconds = 1 (jitter off)
    assert forum.requests.count("/t/103.json") == 3
    with connect(townsquare_home) as con:
        assert con.execute("select count(*) from content where raw->>'$.topic_id' = '103'").fetchone()[0] == \
            len(forum.topics[103]["posts"])
        assert con.execute("select count(*) from quarantine").fetchone()[0] == 0


def test_a_topic_that_keeps_failing_is_quarantined_and_read_again_next_run(forum, configure, townsquare_home,
                                                                              waits):
    configure(forum.url, retries=3)
    forum.fail("/t/104.json", status=503, times=3)
    assert ingest() == 0
    assert waits == [1.0, 2.0]
    with connect(townsquare_home) as con:
        assert con.execute("select source_file, position, reason from quarantine").fetchall() == [
            ("/t/104.json", 0, "topic 104: GET /t/104.json: HTTP 503 after 3 attempts")]
        assert con.execute("select count(*) from content where raw->>'$.topic_id' = '104'").fetchone()[0] == 0
    # The cursor stays below topic 104, so the next run reads it (and what is newer) again.
    cursor = stored_cursor(townsquare_home)
    assert cursor["bumped_at"] < forum.topics[104]["topic"]["bumped_at"]
    forum.requests.clear()
    assert ingest() == 0
    assert "/t/104.json" in forum.requests
    newer = {t["id"] for t in forum.listing() if t["bumped_at"] > cursor["bumped_at"]}
    assert {r for r in forum.requests if r.startswith("/t/") and "posts" not in r} == {
        f"/t/{t}.json" for t in newer}
    with connect(townsquare_home) as con:
        assert con.execute("select count(*) from content where raw->>'$.topic_id' = '104'").fetchone()[0] == \
            len(forum.topics[104]["posts"])


# -- malformed pages and bad records ---------------------------------------------------------------

def test_a_malformed_topic_page_is_quarantined_while_the_rest_loads(forum, configure, townsquare_home):
    configure(forum.url)
    forum.fail("/t/104.json", status=200, body="<html><body><h1>502 Bad Gateway</h1></body></html>")
    assert ingest() == 0
    entries = list(forum.topics.values())
    with connect(townsquare_home) as con:
        rows = con.execute("select source_file, position, reason, raw from quarantine").fetchall()
        assert [(f, p) for f, p, _, _ in rows] == [("/t/104.json", 0)]
        assert rows[0][2].startswith("topic 104: not valid JSON") and "<html>" in rows[0][3]
        assert con.execute("select count(*) from content").fetchone()[0] == sum(
            len(e["posts"]) for e in entries if e["topic"]["id"] != 104)
        runs = runs_of_last_batch(con)
        assert runs["t/{id}.json"][0] == "partial"
        assert all(read == loaded + quarantined for _, read, loaded, quarantined in runs.values())
    assert stored_cursor(townsquare_home)["bumped_at"] < forum.topics[104]["topic"]["bumped_at"]
    assert ingest() == 0  # the page is fine now: topic 104 loads
    with connect(townsquare_home) as con:
        assert con.execute("select count(*) from content").fetchone()[0] == sum(len(e["posts"]) for e in entries)


def test_a_malformed_listing_page_is_quarantined_and_the_next_page_is_still_read(forum, configure,
                                                                                    townsquare_home):
    configure(forum.url)
    forum.fail(LATEST.format(1), status=200, body='{"users": [], "primary_groups": []}')
    assert ingest() == 0
    listing = forum.listing()
    missing = {t["id"] for t in listing[PER_PAGE:2 * PER_PAGE]}
    assert LATEST.format(2) in forum.requests
    with connect(townsquare_home) as con:
        assert con.execute("select source_file, position, reason from quarantine").fetchall() == [
            ("/latest.json?page=1", 0, "page 1 of the topic list: expected topic_list.topics (a list) in the "
                                       "response, got primary_groups, users")]
        loaded = {int(t) for (t,) in con.execute("select distinct raw->>'$.topic_id' from content").fetchall()}
        assert loaded == {t["id"] for t in listing} - missing
        assert runs_of_last_batch(con)["latest page 1"] == ("unreadable", 1, 0, 1)
    # Topics of the unread page lie somewhere below the ones read: the cursor cannot move yet.
    assert stored_cursor(townsquare_home) is None


def _bad_topic_page(view: dict) -> None:
    posts = view["post_stream"]["posts"]
    del posts[1]["id"]                                   # a post without its id
    posts[2]["created_at"] = 20240325                    # a number where a date belongs
    posts[3]["cooked"] = "<p>" + "x" * (10 * 2**20) + "</p>"  # a 10 MB post


def _duplicate_posts(chunk: dict, forum: FakeDiscourse) -> None:
    first_chunk = forum.topics[102]["posts"][:CHUNK]
    changed = dict(first_chunk[-1], cooked="<p>different text, same id</p>")
    chunk["post_stream"]["posts"].append(changed)                      # same id, different content
    chunk["post_stream"]["posts"].append(dict(chunk["post_stream"]["posts"][0]))  # same id, same content


def test_bad_records_are_quarantined_with_position_and_reason(forum, configure, townsquare_home):
    configure(forum.url)
    listing = forum.listing()
    last_page = (len(listing) - 1) // PER_PAGE
    wrong_topic = listing[last_page * PER_PAGE]["id"]
    forum.edit(LATEST.format(last_page),
               lambda page: page["topic_list"]["topics"][0].update(id=f"t{wrong_topic}"))
    forum.edit("/t/104.json", _bad_topic_page)
    chunk_path = posts_requests([forum.topics[102]])[0]
    forum.edit(chunk_path, lambda chunk: _duplicate_posts(chunk, forum))
    forum.edit("/t/106.json", lambda view: json.dumps(view).encode("utf-8")[:300])  # cut off mid-JSON
    forum.edit("/t/107.json", lambda view: json.dumps(view, ensure_ascii=False).encode("utf-8").replace(
        b"Welcome Erin!", b"Welcome \xff\xfe Erin!"))                          # invalid UTF-8
    assert ingest() == 0

    chunk_file = (f"/t/102/posts.json (part 1: posts {forum.topics[102]['posts'][CHUNK]['id']} to "
                  f"{forum.topics[102]['posts'][CHUNK + PAGE_SIZE - 1]['id']})")
    with connect(townsquare_home) as con:
        rows = {(f, p): r for f, p, r in con.execute(
            "select source_file, position, reason from quarantine").fetchall()}
        assert set(rows) == {(f"/latest.json?page={last_page}", 1), ("/t/104.json", 2), ("/t/104.json", 3),
                             ("/t/104.json", 4), (chunk_file, PAGE_SIZE + 1), ("/t/106.json", 0),
                             ("/t/107.json", 0)}
        assert rows[(f"/latest.json?page={last_page}", 1)] == f"topic: id 't{wrong_topic}' is not an integer"
        assert rows[("/t/104.json", 2)] == "post: required field id is missing"
        assert rows[("/t/104.json", 3)] == "post: created_at 20240325 is not a date-time"
        assert rows[("/t/104.json", 4)] == "post: record of 10.0 MiB is over the 4 MiB limit per record"
        assert rows[(chunk_file, PAGE_SIZE + 1)] == (
            f"post: duplicate id {forum.topics[102]['posts'][CHUNK - 1]['id']} with different content "
            "(first seen in /t/102.json)")
        assert rows[("/t/106.json", 0)].startswith("topic 106: truncated: the response ends in the middle")
        assert rows[("/t/107.json", 0)].startswith("topic 107: not valid UTF-8")
        raw = con.execute("select raw from quarantine where source_file = '/t/104.json' and position = 4").fetchone()[0]
        assert raw.startswith('{"id": ') and len(raw) == 64 * 2**10  # the first 64 KiB of the 10 MB post

        # Good records around the bad ones load; topics whose page was unreadable load nothing. The
        # post whose id was missing is still in the topic's stream, so it is fetched on its own and loads.
        without_id = forum.topics[104]["posts"][1]["id"]
        assert f"/t/104/posts.json?post_ids[]={without_id}" in forum.requests
        unreadable = {wrong_topic, 106, 107}
        expected = sum(len(e["posts"]) for t, e in forum.topics.items() if t not in unreadable) - 2
        assert con.execute("select count(*) from content").fetchone()[0] == expected
        loaded_104 = con.execute("select content_id from content where raw->>'$.topic_id' = '104'").fetchall()
        assert {r[0] for r in loaded_104} == {f"{P}/post/{p['id']}" for p in forum.topics[104]["posts"][:2]}
        runs = runs_of_last_batch(con)
        assert all(read == loaded + quarantined for _, read, loaded, quarantined in runs.values())
        rest = sum(max(len(e["posts"]) - CHUNK, 0) for t, e in forum.topics.items() if t not in unreadable)
        assert runs["t/{id}/posts.json"][1:] == (rest + 3, rest + 2, 1)  # + the duplicates + the refetched post
        assert runs[f"latest page {last_page}"][0] == "unreadable"
    assert f"/t/{wrong_topic}.json" not in forum.requests


# -- credentials -----------------------------------------------------------------------------------

def test_the_api_key_is_sent_as_a_header_and_never_written_anywhere(forum, configure, townsquare_home, caplog,
                                                                    capsys):
    caplog.set_level(logging.DEBUG)
    configure(forum.url)
    forum.fail(LATEST.format(1), status=429, headers={"Retry-After": "2"})
    forum.fail("/t/104.json", status=200, body="not json at all")
    forum.fail("/t/103.json", status=500, times=5)
    assert ingest() == 0
    assert forum.headers and all(h["Api-Key"] == KEY and h["Api-Username"] == "system" for h in forum.headers)
    assert all(KEY not in r for r in forum.requests)  # never in a URL
    out, err = capsys.readouterr()
    assert KEY not in out + err + caplog.text
    assert "HTTP 500" in caplog.text  # the retries were logged, without the key
    for path in (townsquare_home / "landing").rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path
    with connect(townsquare_home) as con:
        assert con.execute("select count(*) from quarantine").fetchone()[0] == 2
        for table in ("quarantine", "ingest_runs", "sources", "source_cursors", "communities"):
            assert KEY not in json.dumps(con.execute(f"select * from {table}").fetchall(), default=str), table


def test_a_wrong_key_stops_with_a_clear_error(forum, configure, townsquare_home, monkeypatch, capsys):
    configure(forum.url)
    monkeypatch.setenv(KEY_ENV, "not-the-key")
    assert ingest() == 1
    err = capsys.readouterr().err
    assert "HTTP 403" in err and "check the API key" in err and "not-the-key" not in err
    assert forum.requests == [LATEST.format(0)]  # a 403 is not retried


def test_a_missing_key_variable_is_named(forum, configure, townsquare_home, monkeypatch, capsys):
    configure(forum.url)
    monkeypatch.delenv(KEY_ENV)
    assert ingest() == 1
    assert f"api_key_env names the environment variable {KEY_ENV}, which is not set" in capsys.readouterr().err
    assert forum.requests == []


def test_a_key_in_the_configuration_file_is_refused(forum, configure, townsquare_home, capsys):
    configure(forum.url, api_key_env=None, api_key=KEY)
    assert ingest() == 1
    err = capsys.readouterr().err
    assert "do not put the API key in the configuration file" in err and KEY not in err
    assert forum.requests == []


def test_an_airflow_connection_supplies_the_key(forum, configure, townsquare_home, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_ACME_FORUM", json.dumps(
        {"conn_type": "http", "host": forum.url, "login": "system", "password": KEY}))
    configure(None, api_key_env=None, api_username=None, conn_id="acme_forum")
    assert ingest() == 0
    assert all(h["Api-Key"] == KEY and h["Api-Username"] == "system" for h in forum.headers)


def test_an_unreachable_forum_is_a_clear_error_after_retries(configure, townsquare_home, waits, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free, and nothing listens on it once closed
    configure(f"http://127.0.0.1:{port}")
    assert ingest() == 1
    err = capsys.readouterr().err
    assert f"could not connect to 127.0.0.1:{port}" in err and "after 5 attempts" in err
    assert waits == [1.0, 2.0, 4.0, 8.0]
    assert not (townsquare_home / "landing").exists() or not any((townsquare_home / "landing").rglob("*.parquet"))


# -- options ---------------------------------------------------------------------------------------

def test_user_profiles_add_join_dates_and_a_bad_profile_is_quarantined(forum, configure, townsquare_home):
    configure(forum.url, user_profiles=True)
    forum.fail("/u/dave.json", status=200, body='{"errors": ["nope"]}')
    assert ingest() == 0
    authors = {p["username"] for e in forum.topics.values() for p in e["posts"]}
    assert sorted(forum.requests_to("/u/")) == sorted(f"/u/{u}.json" for u in authors)
    profiles = load_fixture("users.json")
    with connect(townsquare_home) as con:
        joined = dict(con.execute("select handle, joined_at from members").fetchall())
        assert joined == {u: None if u == "dave" else ts(profiles[u]["user"]["created_at"]) for u in authors}
        assert con.execute("select location from members where handle = 'carol'").fetchone()[0] == \
            profiles["carol"]["user"]["location"]
        assert con.execute("select source_file, position, reason from quarantine").fetchall() == [
            ("/u/dave.json", 0, "profile of dave: expected user (an object) in the response, got errors")]
        assert runs_of_last_batch(con)["u/{username}.json"] == ("partial", len(authors), len(authors) - 1, 1)


def test_max_pages_bounds_the_listing(forum, configure, townsquare_home):
    configure(forum.url, max_pages=1)
    assert ingest() == 0
    assert forum.requests_to("/latest.json") == [LATEST.format(0)]
    assert {r for r in forum.requests if r.startswith("/t/") and "posts" not in r} == {
        f"/t/{t['id']}.json" for t in forum.listing()[:PER_PAGE]}


# -- the HTTP client on its own --------------------------------------------------------------------

def test_retry_after_is_read_as_seconds_or_an_http_date():
    now = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("7", now) == 7.0
    assert retry_after_seconds("Wed, 01 May 2024 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Wed, 01 May 2024 11:00:00 GMT", now) == 0.0  # already past
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def _client(handler, **connection) -> DiscourseClient:
    return DiscourseClient(Connection(url="https://forum.example.com", api_key=KEY, **connection),
                           transport=httpx.MockTransport(handler))


def test_client_gives_up_after_the_retry_limit_with_a_clear_error(waits):
    calls = []
    with _client(lambda request: calls.append(request) or httpx.Response(502), retries=4) as client:
        with pytest.raises(HttpFailure, match=r"GET /latest.json: HTTP 502 after 4 attempts"):
            client.get("/latest.json")
    assert len(calls) == 4 and waits == [1.0, 2.0, 4.0]
    assert all(c.headers["Api-Key"] == KEY for c in calls)


def test_client_honours_an_http_date_retry_after(waits):
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=90)
    responses = iter([httpx.Response(429, headers={"Retry-After": when.strftime("%a, %d %b %Y %H:%M:%S GMT")}),
                      httpx.Response(200, json={"ok": True})])
    with _client(lambda request: next(responses)) as client:
        assert client.get("/latest.json").status == 200
    assert len(waits) == 1 and 85 <= waits[0] <= 90


def test_client_does_not_retry_other_client_errors(waits):
    calls = []
    with _client(lambda request: calls.append(request) or httpx.Response(404)) as client:
        with pytest.raises(HttpFailure, match="HTTP 404 .not found"):
            client.get("/t/9.json")
    assert len(calls) == 1 and waits == []


def test_client_follows_redirects_only_on_the_forum_host(waits):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/t/9.json":
            return httpx.Response(301, headers={"Location": "/t/some-slug/9.json"})
        if request.url.path == "/t/some-slug/9.json":
            return httpx.Response(200, json={"post_stream": {}})
        return httpx.Response(302, headers={"Location": "https://elsewhere.example.net/steal"})

    with _client(handler) as client:
        assert client.get("/t/9.json").status == 200
        with pytest.raises(HttpFailure, match="redirected to another host"):
            client.get("/latest.json")

