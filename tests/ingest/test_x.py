"""X connector on real twarc payloads: every tweet loads, mapped as the JSON says; re-ingesting changes nothing.

Expected values are computed here from the files with the json module alone, not with Townsquare code.
"""
from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from townsquare import pipeline
from townsquare.cli import main
from warehouse.settings import Source

P = "tw/x"  # <community>/<namespace>
KINDS = {"retweeted": "retweet", "replied_to": "reply", "quoted": "quote"}
TABLES = {  # canonical table → its key, for comparing whole tables
    "members": "member_id", "content": "content_id", "interactions": "interaction_id", "groups": "group_id",
    "content_groups": "content_id, group_id",
}


@pytest.fixture(scope="module")
def twarc(shared_dataset) -> Path:
    return shared_dataset("twitter_v2_threads_twarc")


def _walk_flat(tweet: dict, refs: dict, users: dict) -> None:
    """What twarc inlined into a flattened tweet: author, replied-to user, mentioned users, referenced tweets."""
    for key in ("author", "in_reply_to_user"):
        if key in tweet:
            users.setdefault(tweet[key]["id"], []).append(tweet[key])
    for mention in tweet.get("entities", {}).get("mentions", []):
        if "name" in mention:
            users.setdefault(mention["id"], []).append(mention)
    for ref in tweet.get("referenced_tweets", []):
        if "text" in ref:
            refs[ref["id"]] = ref
            _walk_flat(ref, refs, users)


@pytest.fixture(scope="module")
def payloads(twarc) -> dict:
    """The folder read with json: primary tweets (of `data` or flattened lines), referenced tweets, profiles."""
    primary: dict[str, dict] = {}
    refs: dict[str, dict] = {}
    users: dict[str, list[dict]] = {}
    per_file: dict[str, int] = {}
    for path in sorted(twarc.glob("*.jsonl")):
        per_file[path.name] = 0
        for line in path.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            if "data" in obj:
                for tweet in obj["data"]:
                    primary[tweet["id"]] = tweet
                per_file[path.name] += len(obj["data"])
                for tweet in obj["includes"].get("tweets", []):
                    refs[tweet["id"]] = tweet
                for user in obj["includes"].get("users", []):
                    users.setdefault(user["id"], []).append(user)
            else:
                primary[obj["id"]] = obj
                per_file[path.name] += 1
                _walk_flat(obj, refs, users)
    tweets = {**refs, **primary}
    return {"primary": primary, "referenced": {k: v for k, v in refs.items() if k not in primary},
            "tweets": tweets, "users": users, "per_file": per_file}


def _kind(tweet: dict) -> str:
    types = {r["type"] for r in tweet.get("referenced_tweets", [])}
    return next((KINDS[t] for t in ("retweeted", "replied_to", "quoted") if t in types), "tweet")


def _ref(tweet: dict, kind: str) -> str | None:
    return next((r["id"] for r in tweet.get("referenced_tweets", []) if r["type"] == kind), None)


def _mentions(tweet: dict) -> list[dict]:
    """Mentions with a user id: one in flat.jsonl (a suspended account) names only a username."""
    return [m for m in tweet.get("entities", {}).get("mentions", []) if "id" in m]


@pytest.fixture(scope="module")
def x_home(twarc, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("x-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOWNSQUARE_HOME", str(home))
        mp.delenv("TOWNSQUARE_CONFIG", raising=False)
        assert main(["ingest", "x", str(twarc), "--community", "tw"]) == 0
    return home


@pytest.fixture
def db(x_home):
    con = duckdb.connect(str(x_home / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def test_the_sample_is_what_the_source_describes(payloads):
    assert payloads["per_file"] == {"2sets.jsonl": 200, "entities_test.jsonl": 474, "flat.jsonl": 100}
    assert len(payloads["primary"]) == 774


def test_every_tweet_and_every_referenced_tweet_loads(db, payloads):
    runs = {r[0]: r[1:] for r in db.execute(
        "select source_file, status, records_read, records_loaded, records_quarantined from ingest_runs").fetchall()}
    assert runs == {name: ("ok", n, n, 0) for name, n in payloads["per_file"].items()}
    assert db.execute("select count(*) from quarantine").fetchone()[0] == 0

    loaded = {r[0] for r in db.execute("select source_record_id from content where source_entity = 'tweet'").fetchall()}
    assert set(payloads["primary"]) <= loaded
    assert len(payloads["referenced"]) == 316  # from includes.tweets and inlined, not themselves in data
    assert set(payloads["referenced"]) <= loaded
    assert len(loaded) == len(payloads["primary"]) + len(payloads["referenced"])
    assert db.execute("select distinct channel from content").fetchall() == [("social",)]


def test_kinds_parents_and_threads_follow_the_references(db, payloads):
    rows = {r[0]: r[1:] for r in db.execute(
        "select source_record_id, kind, parent_id, thread_id, author_member_id, created_at from content").fetchall()}
    for tweet_id, tweet in payloads["tweets"].items():
        kind, parent, thread, author, created = rows[tweet_id]
        assert kind == _kind(tweet), tweet_id
        parent_id = _ref(tweet, "replied_to") or _ref(tweet, "quoted")
        assert parent == (f"{P}/tweet/{parent_id}" if parent_id else None), tweet_id
        assert author == f"{P}/user/{tweet['author_id']}"
        assert created.isoformat() + ".000Z" == tweet["created_at"]
        if "conversation_id" in tweet:
            assert thread == f"{P}/tweet/{tweet['conversation_id']}", tweet_id
    # entities_test.jsonl did not ask for conversation_id: a reply joins the thread of the tweet it answers.
    no_conversation = [t for t in payloads["tweets"].values() if "conversation_id" not in t]
    assert no_conversation
    for tweet in no_conversation:
        parent = _ref(tweet, "replied_to")
        if parent in payloads["tweets"] and "conversation_id" not in payloads["tweets"][parent]:
            assert rows[tweet["id"]][2] == rows[parent][2]
        elif parent is None:
            assert rows[tweet["id"]][2] == f"{P}/tweet/{tweet['id']}"


def test_interactions_match_the_references_and_mentions(db, payloads):
    expected: dict[str, tuple] = {}
    for tweet_id, tweet in payloads["tweets"].items():
        for kind, name in (("replied_to", "reply"), ("quoted", "quote"), ("retweeted", "retweet")):
            target = _ref(tweet, kind)
            if target:
                expected[f"{P}/{name}/{tweet_id}"] = (name, f"{P}/user/{tweet['author_id']}", f"{P}/tweet/{target}")
        if _kind(tweet) != "retweet":  # a retweet's mentions are the original's
            for mention in _mentions(tweet):
                expected[f"{P}/mention/{tweet_id}/{mention['id']}"] = (
                    "mention", f"{P}/user/{tweet['author_id']}", f"{P}/tweet/{tweet_id}")
    got = {r[0]: r[1:] for r in db.execute(
        "select interaction_id, kind, from_member_id, content_id from interactions").fetchall()}
    assert got == expected

    # The reply goes to the replied-to user; retweets and quotes to the author of the tweet when it loaded.
    to = dict(db.execute("select interaction_id, to_member_id from interactions").fetchall())
    for tweet_id, tweet in payloads["tweets"].items():
        if _ref(tweet, "replied_to"):
            assert to[f"{P}/reply/{tweet_id}"] == f"{P}/user/{tweet['in_reply_to_user_id']}"
        for kind, name in (("quoted", "quote"), ("retweeted", "retweet")):
            target = payloads["tweets"].get(_ref(tweet, kind))
            if target:
                assert to[f"{P}/{name}/{tweet_id}"] == f"{P}/user/{target['author_id']}"
        for mention in _mentions(tweet) if _kind(tweet) != "retweet" else []:
            assert to[f"{P}/mention/{tweet_id}/{mention['id']}"] == f"{P}/user/{mention['id']}"


def test_members_profiles_and_mention_only_users(db, payloads):
    ids = set(payloads["users"])
    for tweet in payloads["tweets"].values():
        ids.add(tweet["author_id"])
        ids.update(m["id"] for m in _mentions(tweet))
        if "in_reply_to_user_id" in tweet:
            ids.add(tweet["in_reply_to_user_id"])
    members = {r[0]: r[1:] for r in db.execute(
        "select source_user_id, handle, display_name, joined_at, about_text, location, followers_count, "
        "following_count, is_bot from members").fetchall()}
    assert set(members) == ids
    assert not any(m[-1] for m in members.values())
    for user_id, copies in payloads["users"].items():
        handle, name, joined, about, location, followers, following, _ = members[user_id]
        # One of the copies (the same profile fetched in two pages may have moved on in between).
        loaded = {"username": handle, "name": name, "created_at": joined.isoformat() + ".000Z",
                  "description": about, "location": location}
        for key, value in loaded.items():
            assert value in {c.get(key) for c in copies}, (user_id, key)
        counts = {(c["public_metrics"]["followers_count"], c["public_metrics"]["following_count"])
                  for c in copies if "public_metrics" in c}
        assert (followers, following) in counts if counts else followers is None
    # Known only from a mention: the id and the handle.
    mention_only = {m["id"]: m["username"] for t in payloads["tweets"].values()
                    for m in _mentions(t) if m["id"] not in payloads["users"]}
    assert mention_only
    for user_id, username in mention_only.items():
        assert members[user_id][0] == username and members[user_id][2] is None


def test_hashtags_are_groups(db, payloads):
    pairs = {(f"{P}/tweet/{t['id']}", f"{P}/hashtag/{h['tag'].lower()}")
             for t in payloads["tweets"].values() for h in t.get("entities", {}).get("hashtags", [])}
    assert set(db.execute("select content_id, group_id from content_groups").fetchall()) == pairs
    groups = db.execute("select group_id, kind, name from groups").fetchall()
    assert {g for g, _, _ in groups} == {g for _, g in pairs}
    assert all(kind == "hashtag" and g.endswith("/hashtag/" + name.removeprefix("#")) for g, kind, name in groups)


def test_spot_checks_against_the_json(db, payloads, twarc):
    def content(tweet_id):
        return db.execute("select kind, body_text, url, lang, tags, score, metrics from content "
                          "where content_id = ?", [f"{P}/tweet/{tweet_id}"]).fetchone()

    def member(user_id):
        return db.execute("select handle, display_name, followers_count, following_count from members "
                          "where member_id = ?", [f"{P}/user/{user_id}"]).fetchone()

    def interactions(tweet_id):
        return sorted(db.execute("select kind, to_member_id, content_id from interactions where via_content_id = ?",
                                 [f"{P}/tweet/{tweet_id}"]).fetchall())

    # A flattened reply (flat.jsonl): @PDXPapaG answers @TalkToTheFoot, mentioning @JackPosobiec too.
    reply = payloads["primary"]["1380242586288328707"]
    kind, body, url, lang, tags, score, metrics = content(reply["id"])
    assert (kind, body, lang) == ("reply", html.unescape(reply["text"]), "en")
    assert url == "https://x.com/PDXPapaG/status/1380242586288328707"
    assert json.loads(metrics) == reply["public_metrics"] and score == reply["public_metrics"]["like_count"]
    assert member(reply["author_id"])[:2] == ("PDXPapaG", reply["author"]["name"])
    # Jack Posobiec: his name as of the latest fetch (entities_test.jsonl, 2023), his counts from the flattened
    # line (2021), since the 2023 request did not ask for public_metrics.
    assert member("592730371") == ("JackPosobiec", "Jack Posobiec 🇺🇸", 1251434, 960)
    assert interactions(reply["id"]) == [
        ("mention", f"{P}/user/1142605723601264640", f"{P}/tweet/{reply['id']}"),
        ("mention", f"{P}/user/592730371", f"{P}/tweet/{reply['id']}"),
        ("reply", f"{P}/user/1142605723601264640", f"{P}/tweet/1380229267770933248"),
    ]

    # A retweet in a raw page (2sets.jsonl): to the author of the retweeted tweet in includes.tweets,
    # with the original's hashtags and no mentions of its own.
    page = json.loads((twarc / "2sets.jsonl").read_text("utf-8").splitlines()[0])
    retweet = page["data"][0]
    original = next(t for t in page["includes"]["tweets"] if t["id"] == "1440691114135080963")
    author = next(u for u in page["includes"]["users"] if u["id"] == retweet["author_id"])
    kind, body, url, _, tags, _, _ = content(retweet["id"])
    assert kind == "retweet" and body == html.unescape(retweet["text"])
    assert url == f"https://x.com/{author['username']}/status/{retweet['id']}" and author["username"] == "ximerios12_"
    assert tags == ["TopKPopEcuador", "Butter", "Lisa", "charts", "kpop"]
    assert member(author["id"]) == ("ximerios12_", "Ximena Ríos", 4, 90)
    assert interactions(retweet["id"]) == [
        ("retweet", f"{P}/user/{original['author_id']}", f"{P}/tweet/{original['id']}")]
    assert content(original["id"])[:2] == ("tweet", html.unescape(original["text"]))

    # A quote: the quoting tweet points at the quoted one.
    quote = next(t for t in payloads["primary"].values()
                 if _kind(t) == "quote" and _ref(t, "quoted") in payloads["tweets"])
    quoted = payloads["tweets"][_ref(quote, "quoted")]
    assert ("quote", f"{P}/user/{quoted['author_id']}", f"{P}/tweet/{quoted['id']}") in interactions(quote["id"])

    # The API escapes &, < and >; the text is stored as written.
    escaped = next(t for t in payloads["tweets"].values() if "&amp;" in t["text"])
    assert content(escaped["id"])[1] == html.unescape(escaped["text"]) and "&amp;" not in content(escaped["id"])[1]


def _tables(home: Path) -> dict[str, list]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"select * exclude (raw) from {t} order by {key}").fetchall()
                if t in ("members", "content", "groups") else
                con.execute(f"select * from {t} order by {key}").fetchall() for t, key in TABLES.items()}
    finally:
        con.close()


def _cursor(home: Path) -> dict | None:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    row = con.execute("select cursor from source_cursors where source_key = 'tw/x'").fetchone()
    con.close()
    return json.loads(row[0]) if row else None


def test_ingesting_again_changes_nothing(twarc, payloads, tmp_path, monkeypatch):
    monkeypatch.setenv("TOWNSQUARE_HOME", str(tmp_path / "home"))
    source = Source("x", twarc, "tw", "tw")
    pipeline.load([pipeline.extract(source)[0]])
    first = _tables(tmp_path / "home")
    cursor = _cursor(tmp_path / "home")
    assert set(cursor["files"]) == {"2sets.jsonl", "entities_test.jsonl", "flat.jsonl"}
    assert cursor["newest_id"] == str(max(int(i) for i in payloads["primary"]))

    # From the stored cursor: every file is unchanged, nothing is read.
    batch, manifest = pipeline.extract(source)
    assert [(f.status, f.read) for f in manifest.files] == [("unchanged", 0)] * 3
    pipeline.load([batch])
    assert _tables(tmp_path / "home") == first

    # Without the cursor: everything is read again and merged onto itself.
    con = duckdb.connect(str(tmp_path / "home" / "warehouse.duckdb"))
    con.execute("delete from source_cursors")
    con.close()
    batch, manifest = pipeline.extract(source)
    assert manifest.landed == 774
    pipeline.load([batch])
    assert _tables(tmp_path / "home") == first


def test_appended_lines_are_read_from_where_the_cursor_stopped(twarc, tmp_path, monkeypatch):
    lines = (twarc / "flat.jsonl").read_bytes().splitlines(keepends=True)
    folder = tmp_path / "collect"
    folder.mkdir()
    out = folder / "stream.jsonl"
    out.write_bytes(b"".join(lines[:40]) + lines[40][:500])  # a collector in the middle of line 41
    monkeypatch.setenv("TOWNSQUARE_HOME", str(tmp_path / "home"))
    source = Source("x", folder, "tw", "tw")

    batch, manifest = pipeline.extract(source)
    pipeline.load([batch])
    assert (manifest.files[0].read, manifest.files[0].landed, manifest.files[0].quarantined) == (41, 40, 1)
    assert _cursor(tmp_path / "home")["files"]["stream.jsonl"]["line"] == 40

    with out.open("ab") as f:
        f.write(lines[40][500:] + b"".join(lines[41:]))
    batch, manifest = pipeline.extract(source)
    pipeline.load([batch])
    assert (manifest.files[0].read, manifest.files[0].landed) == (60, 60)  # lines 41-100 only
    con = duckdb.connect(str(tmp_path / "home" / "warehouse.duckdb"), read_only=True)
    positions = con.execute("select distinct position from quarantine").fetchall()
    loaded = {r[0] for r in con.execute("select source_record_id from content").fetchall()}
    con.close()
    assert positions == [(41,)]
    assert {json.loads(line)["id"] for line in lines} <= loaded

    # The same file read in one go gives the same tables.
    shutil.copy(twarc / "flat.jsonl", tmp_path / "whole.jsonl")
    monkeypatch.setenv("TOWNSQUARE_HOME", str(tmp_path / "home2"))
    pipeline.load([pipeline.extract(Source("x", tmp_path / "whole.jsonl", "tw", "tw"))[0]])
    assert _tables(tmp_path / "home2") == _tables(tmp_path / "home")


def test_a_rewritten_file_is_read_again_from_the_start(twarc, tmp_path, monkeypatch):
    lines = (twarc / "flat.jsonl").read_bytes().splitlines(keepends=True)
    out = tmp_path / "tweets.jsonl"
    out.write_bytes(b"".join(lines[:30]))
    monkeypatch.setenv("TOWNSQUARE_HOME", str(tmp_path / "home"))
    source = Source("x", out, "tw", "tw")
    pipeline.load([pipeline.extract(source)[0]])
    out.write_bytes(b"".join(lines[50:]))  # other content: the cursor's offset no longer fits
    batch, manifest = pipeline.extract(source)
    assert (manifest.files[0].read, manifest.files[0].landed) == (50, 50)


def test_x_data_leaves_the_marts_buildable(x_home, monkeypatch):
    monkeypatch.setenv("TOWNSQUARE_HOME", str(x_home))
    assert pipeline.build_marts()


def test_nothing_to_read_is_a_clear_error(townsquare_home, tmp_path, capsys):
    assert main(["ingest", "x", str(tmp_path / "nowhere.jsonl")]) == 1
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["ingest", "x", str(tmp_path / "empty")]) == 1
    assert "holds no .jsonl file" in capsys.readouterr().err
