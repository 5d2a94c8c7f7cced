"""The synthetic Discourse forum: the API's responses, deterministic, and read whole by the real connector.

Expected values are computed here by reading the generated JSON with the json module (not with the
generator's model or Townsquare code); runs go through the real CLI against `serve_folder`.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import httpx
import pytest

from synthetic.discourse import generate_discourse, serve_folder
from synthetic.stackexchange import generate_stackexchange_dump
from townsquare.cli import main

FORUM = dict(members=400, days=150, seed=3, site_name="acme")
P = "acme/discourse"
KEY_ENV = "ACME_DISCOURSE_KEY"
CHUNK = 20  # posts on a topic page; the connector's default page_size asks for 20 more at a time
LATEST = "/latest.json?order=activity&page={}"


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.json"))}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("discourse") / "forum"
    return folder, generate_discourse(folder, **FORUM)


def load(path: Path) -> dict:
    return json.loads(path.read_bytes())


@pytest.fixture(scope="module")
def forum(generated) -> dict:
    """The generated forum as the files say: categories, the listing, and every topic's posts."""
    folder, _ = generated
    categories, pending = [], list(load(folder / "categories.json")["category_list"]["categories"])
    while pending:
        category = pending.pop(0)
        categories.append(category)
        pending.extend(category.get("subcategory_list", []))
    pages = []
    while (folder / "latest" / f"page-{len(pages)}.json").exists():
        pages.append(load(folder / "latest" / f"page-{len(pages)}.json")["topic_list"])
    topics = {}
    for page in pages:
        for item in page["topics"]:
            view = load(folder / "t" / f"{item['id']}.json")
            posts = list(view["post_stream"]["posts"])
            chunks = sorted((folder / "t" / str(item["id"])).glob("posts-*.json"), key=lambda p: int(p.stem[6:]))
            for chunk in chunks:
                posts += load(chunk)["post_stream"]["posts"]
            topics[item["id"]] = {"item": item, "view": view, "posts": posts, "chunks": len(chunks)}
    return {"categories": categories, "pages": pages, "topics": topics}


def all_posts(forum: dict) -> list[dict]:
    return [p for t in forum["topics"].values() for p in t["posts"]]


def expected_interactions(forum: dict) -> dict[str, tuple]:
    """interaction_id -> (kind, from, to, content_id, via_content_id), from the JSON."""
    out = {}
    for topic in forum["topics"].values():
        by_number = {p["post_number"]: p for p in topic["posts"]}
        first = by_number[1]
        for post in topic["posts"]:
            if post["post_number"] > 1 and post["post_type"] in (1, 4):
                target = by_number.get(post["reply_to_post_number"], first)
                out[f"{P}/reply/{post['id']}"] = ("reply", f"{P}/user/{post['user_id']}",
                                                  f"{P}/user/{target['user_id']}", f"{P}/post/{target['id']}",
                                                  f"{P}/post/{post['id']}")
        accepted = topic["view"].get("accepted_answer")
        if accepted:
            answer = by_number[accepted["post_number"]]
            out[f"{P}/accept/{topic['item']['id']}"] = ("accept", f"{P}/user/{first['user_id']}",
                                                        f"{P}/user/{answer['user_id']}", f"{P}/post/{answer['id']}",
                                                        f"{P}/post/{first['id']}")
    return out


# -- the files ------------------------------------------------------------------------------------

def test_same_arguments_same_bytes_other_seed_other_forum(generated, tmp_path):
    folder, counts = generated
    assert generate_discourse(tmp_path / "again", **FORUM) == counts
    assert digest(tmp_path / "again") == digest(folder)
    generate_discourse(tmp_path / "other", **{**FORUM, "seed": 4, "members": 600})
    other = digest(tmp_path / "other")
    assert other != digest(folder) and len(other) > len(digest(folder))
    assert other["latest/page-0.json"] != digest(folder)["latest/page-0.json"]
    # Written over a larger forum, the folder holds this forum's files and nothing else.
    generate_discourse(tmp_path / "other", **FORUM)
    assert digest(tmp_path / "other") == digest(folder)


def test_counts_are_what_the_files_hold(generated, forum):
    folder, counts = generated
    posts = all_posts(forum)
    assert counts["categories"] == len(forum["categories"])
    assert counts["topics"] == len(forum["topics"]) == sum(len(p["topics"]) for p in forum["pages"])
    assert counts["posts"] == len(posts)
    assert counts["users"] == len({p["user_id"] for p in posts}) == len(list((folder / "u").glob("*.json")))
    assert counts["latest_pages"] == len(forum["pages"])
    assert counts["post_chunks"] == sum(t["chunks"] for t in forum["topics"].values())
    assert counts["accepted_answers"] == sum("accepted_answer" in t["view"] for t in forum["topics"].values())
    assert counts["replies"] == sum(p["post_number"] > 1 and p["post_type"] in (1, 4) for p in posts)


def test_responses_have_the_api_shapes(generated, forum):
    folder, counts = generated
    raw = (folder / "t" / f"{next(iter(forum['topics']))}.json").read_bytes()
    assert b"\\u003cp\\u003e" in raw and b"<p>" not in raw  # HTML in JSON escaped as Rails does

    # Categories with subcategories, which name their parent.
    subcategories = [c for c in forum["categories"] if "parent_category_id" in c]
    ids = {c["id"] for c in forum["categories"]}
    assert subcategories and all(c["parent_category_id"] in ids for c in subcategories)
    assert len(ids) == len(forum["categories"])

    # The listing: 30 topics a page, pinned ones first, then by bump, newest first; more_topics_url
    # on every page but the last.
    pages = forum["pages"]
    assert len(pages) >= 3 and all(len(p["topics"]) == 30 for p in pages[:-1])
    assert [("more_topics_url" in p) for p in pages] == [True] * (len(pages) - 1) + [False]
    listing = [t for p in pages for t in p["topics"]]
    pinned = [t for t in listing if t["pinned"]]
    assert counts["pinned_topics"] == len(pinned) == 2 and listing[:2] == pinned
    unpinned = [t["bumped_at"] for t in listing[2:]]
    assert unpinned == sorted(unpinned, reverse=True)
    assert min(t["bumped_at"] for t in pinned) < unpinned[len(unpinned) // 2]  # pinned, though old

    # Topic pages: the first 20 posts and the ids of all; chunk files hold the rest, in order.
    long_topics = [t for t in forum["topics"].values() if len(t["posts"]) > CHUNK]
    assert long_topics and any(t["chunks"] >= 2 for t in long_topics)
    for topic in forum["topics"].values():
        stream = topic["view"]["post_stream"]["stream"]
        assert len(topic["view"]["post_stream"]["posts"]) == min(len(stream), CHUNK)
        assert [p["id"] for p in topic["posts"]] == stream == sorted(stream)
        assert [p["post_number"] for p in topic["posts"]] == list(range(1, len(stream) + 1))
        assert topic["item"]["posts_count"] == len(stream)
        assert all(p["topic_id"] == topic["item"]["id"] for p in topic["posts"])
        # A reply names an earlier post of its topic.
        assert all(p["reply_to_post_number"] is None or 1 <= p["reply_to_post_number"] < p["post_number"]
                   for p in topic["posts"])

    posts = all_posts(forum)
    assert len({p["id"] for p in posts}) == len(posts)
    system = [p for p in posts if p["user_id"] == -1]
    assert system and all(p["username"] == "system" and p["admin"] and p["staff"] for p in system)
    staff = {p["user_id"] for p in posts if p["user_id"] > 0 and p["staff"]}
    assert {p["user_id"] for p in posts if p["user_id"] > 0 and p["admin"]} and staff
    assert all(p["staff"] == (p["admin"] or p["moderator"]) for p in posts)
    assert {p["post_type"] for p in posts} == {1, 2, 3, 4}  # regular, moderator note, small action, whisper
    assert any(p.get("action_code") == "closed.enabled" for p in posts)
    likes = [a["count"] for p in posts for a in p["actions_summary"] if a["id"] == 2 and "count" in a]
    assert likes and max(likes) >= 5
    replies_to_posts = [p for p in posts if p["reply_to_post_number"] not in (None, 1)]
    assert replies_to_posts and all("reply_to_user" in p for p in replies_to_posts)

    # Accepted answers (solved plugin): the topic page names the post the post itself flags.
    solved = [t for t in forum["topics"].values() if "accepted_answer" in t["view"]]
    assert solved
    for topic in solved:
        flagged = [p["post_number"] for p in topic["posts"] if p.get("accepted_answer")]
        assert flagged == [topic["view"]["accepted_answer"]["post_number"]] and flagged[0] > 1
        assert topic["item"]["has_accepted_answer"] is True
    # Some questions are never answered.
    support = {c["id"] for c in forum["categories"] if c["name"] == "Support"}
    support |= {c["id"] for c in forum["categories"] if c.get("parent_category_id") in support}
    questions = [t for t in forum["topics"].values()
                 if t["item"]["category_id"] in support and not t["item"]["title"].startswith("About the")]
    unanswered = [t for t in questions if t["item"]["posts_count"] == 1]
    assert 0 < len(unanswered) < len(questions) / 3

    # A profile for every author.
    for user_id, username in {(p["user_id"], p["username"]) for p in posts}:
        profile = load(folder / "u" / f"{username.lower()}.json")["user"]
        assert profile["id"] == user_id and profile["username"] == username


def test_serve_folder_answers_like_a_forum(generated, forum):
    folder, _ = generated
    topic = next(t for t in forum["topics"].values() if t["chunks"] >= 2)
    topic_id = topic["item"]["id"]
    some = [topic["posts"][3]["id"], topic["posts"][CHUNK + 1]["id"], topic["posts"][-1]["id"]]
    with serve_folder(folder) as served:
        with httpx.Client(base_url=served.url) as http:
            assert http.get(LATEST.format(0)).content == (folder / "latest" / "page-0.json").read_bytes()
            beyond = http.get(LATEST.format(len(forum["pages"])))
            assert beyond.status_code == 200 and beyond.json()["topic_list"]["topics"] == []
            query = "&".join(f"post_ids[]={i}" for i in some)
            chosen = http.get(f"/t/{topic_id}/posts.json?{query}").json()["post_stream"]["posts"]
            assert [p["id"] for p in chosen] == some
            assert http.get("/t/999999.json").status_code == 404
            assert http.get("/u/..%2Fcategories.json").status_code == 404  # only the folder's own files
        assert served.requests[0] == LATEST.format(0)


# -- through the connector --------------------------------------------------------------------------

TABLES = {"members": "member_id", "content": "content_id", "interactions": "interaction_id", "groups": "group_id",
          "content_groups": "content_id, group_id"}


def snapshot(home: Path) -> dict[str, list]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return {t: con.execute(f"select * from {t} order by {key}").fetchall() for t, key in TABLES.items()}


@pytest.fixture
def configure(townsquare_home, tmp_path, monkeypatch):
    """Write a townsquare.toml with the forum as a Discourse source; TOWNSQUARE_CONFIG points at it."""

    def write(url: str, extra: str = "") -> None:
        config = tmp_path / "townsquare.toml"
        config.write_text(f'[[sources]]\nkind = "discourse"\ncommunity = "acme"\nname = "Acme Community"\n'
                          f'url = "{url}"\napi_username = "system"\napi_key_env = "{KEY_ENV}"\n{extra}',
                          encoding="utf-8")
        monkeypatch.setenv("TOWNSQUARE_CONFIG", str(config))

    monkeypatch.setenv(KEY_ENV, "synthetic-key")
    return write


def test_the_connector_reads_the_whole_forum_and_a_second_run_one_page(generated, forum, configure,
                                                                         townsquare_home):
    folder, _ = generated
    with serve_folder(folder) as served:
        configure(served.url)
        assert main(["ingest", "configured"]) == 0

        topics = forum["topics"].values()
        posts = all_posts(forum)
        authors = {p["user_id"]: p for p in posts}
        listing_calls = [r for r in served.requests if r.startswith("/latest.json")]
        assert listing_calls == [LATEST.format(n) for n in range(len(forum["pages"]))]
        assert served.requests.count("/categories.json?include_subcategories=true") == 1
        assert sorted(r for r in served.requests if r.startswith("/t/") and "/posts.json" not in r) == sorted(
            f"/t/{t}.json" for t in forum["topics"])
        assert sum("/posts.json" in r for r in served.requests) == sum(t["chunks"] for t in topics)

        with duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True) as con:
            assert con.execute("select count(*) from quarantine").fetchone()[0] == 0
            count = con.execute("select count(*) filter (where kind = 'topic'), count(*) from content "
                                "where source = 'discourse'").fetchone()
            assert count == (len(forum["topics"]), len(posts))
            groups = dict(con.execute("select group_id, item_count from groups where kind = 'category'").fetchall())
            assert groups == {f"{P}/category/{c['id']}": c["topic_count"] for c in forum["categories"]}
            members = {r[0]: r[1:] for r in con.execute(
                "select member_id, handle, is_bot, is_staff from members").fetchall()}
            assert members == {f"{P}/user/{uid}": (p["username"], uid < 0, p["admin"] or p["moderator"] or p["staff"])
                               for uid, p in authors.items()}

            # The run log reconciles, page by page and endpoint by endpoint.
            runs = {r[0]: r[1:] for r in con.execute(
                "select source_file, records_read, records_loaded, records_quarantined from ingest_runs").fetchall()}
            assert all(read == loaded + quarantined for read, loaded, quarantined in runs.values())
            assert sum(v[0] for k, v in runs.items() if k.startswith("latest page")) == len(forum["topics"])
            assert runs["categories.json"][:2] == (len(forum["categories"]), len(forum["categories"]))
            assert runs["t/{id}.json"][1] == sum(min(len(t["posts"]), CHUNK) for t in topics)
            assert runs["t/{id}/posts.json"][1] == sum(max(len(t["posts"]) - CHUNK, 0) for t in topics)
            assert runs["post authors"][1] == len(authors)

            # Replies and accepted answers become interactions between the right members.
            interactions = {r[0]: r[1:] for r in con.execute(
                "select interaction_id, kind, from_member_id, to_member_id, content_id, via_content_id "
                "from interactions").fetchall()}
            expected = expected_interactions(forum)
            assert interactions == expected
            assert {v[0] for v in expected.values()} == {"reply", "accept"}

        # Nothing changed: the second run reads page 0 of the listing, and changes nothing.
        before = snapshot(townsquare_home)
        served.requests.clear()
        assert main(["ingest", "configured"]) == 0
        assert served.requests == [LATEST.format(0)]
        assert snapshot(townsquare_home) == before


def test_profiles_give_every_author_a_join_date(generated, forum, configure, townsquare_home):
    folder, _ = generated
    with serve_folder(folder) as served:
        configure(served.url, "user_profiles = true\n")
        assert main(["ingest", "configured"]) == 0
        authors = {(p["user_id"], p["username"]) for p in all_posts(forum)}
        assert sorted(r for r in served.requests if r.startswith("/u/")) == sorted(f"/u/{u}.json" for _, u in authors)
    want = {}
    for user_id, username in authors:
        profile = load(folder / "u" / f"{username.lower()}.json")["user"]
        want[f"{P}/user/{user_id}"] = (profile["created_at"][:23], profile["location"])
    with duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from quarantine").fetchone()[0] == 0
        got = {r[0]: (r[1].isoformat(timespec="milliseconds"), r[2]) for r in con.execute(
            "select member_id, joined_at, location from members").fetchall()}
    assert got == want


def test_the_members_are_those_of_the_stack_exchange_dump(generated, forum, tmp_path, xml_rows):
    """Same arguments, same community: a member has the same name, join date and location on both forums."""
    folder, _ = generated
    generate_stackexchange_dump(tmp_path / "se", **FORUM)
    users = {int(u["Id"]): u for u in xml_rows(tmp_path / "se" / "Users.xml")}
    authors = {p["user_id"]: p for p in all_posts(forum) if 0 < p["user_id"] <= FORUM["members"]}
    assert len(authors) > 50
    for user_id, post in authors.items():
        member = users[user_id]
        profile = load(folder / "u" / f"{post['username'].lower()}.json")["user"]
        assert profile["created_at"] == member["CreationDate"] + "Z"
        assert profile["location"] == member.get("Location")
        assert not post["name"] or post["name"] == member["DisplayName"]
    assert sum(bool(p["name"]) for p in authors.values()) > len(authors) / 3
