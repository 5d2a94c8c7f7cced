"""Synthetic social posts: X API v2 payloads (raw pages and flattened lines) and a listening tool's CSV
export, read by the real connectors without a quarantined row, and a community that looks like one on
social media (a few accounts with most followers, conversations, retweets, a few posts in German and
Spanish). Expected values are computed here from the generated files with the json and csv modules."""
from __future__ import annotations

import csv
import datetime as dt
import html
import json
import statistics
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from synthetic.community import generate_community
from townsquare.cli import main

START, DAYS = dt.datetime(2025, 3, 1), 150


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    """The community generated once, its X and social CSV sources ingested by the real connectors."""
    root = tmp_path_factory.mktemp("social")
    result = generate_community(root / "acme", members=400, days=DAYS, seed=11, start=START.date(),
                                site_name="acme")
    config = root / "townsquare.toml"
    config.write_text(result["toml"], encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOWNSQUARE_HOME", str(root / "home"))
        mp.setenv("TOWNSQUARE_CONFIG", str(config))
        assert main(["ingest", "x", str(root / "acme" / "x"), "--community", "acme"]) == 0
        assert main(["ingest", "configured", "--source", "acme/social_csv"]) == 0
    con = duckdb.connect(str(root / "home" / "warehouse.duckdb"), read_only=True)
    yield result, root / "acme", con
    con.close()


# --- reading the files the plain way ----------------------------------------------------------------

def _flat_objects(tweet: dict, tweets: dict, users: dict) -> None:
    tweets.setdefault(tweet["id"], tweet)
    for key in ("author", "in_reply_to_user"):
        if key in tweet:
            users[tweet[key]["id"]] = tweet[key]
    for mention in tweet.get("entities", {}).get("mentions", []):
        if "name" in mention:
            users[mention["id"]] = mention
    for ref in tweet.get("referenced_tweets", []):
        if "text" in ref:
            _flat_objects(ref, tweets, users)


def read_x(folder: Path) -> dict:
    """Records per file, every tweet (records and expansions) and every user profile of the collections."""
    per_file: dict[str, int] = {}
    tweets: dict[str, dict] = {}
    records: set[str] = set()
    users: dict[str, dict] = {}
    layouts = Counter()
    for path in sorted(folder.rglob("*.jsonl")):
        n = 0
        for line in path.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            if "data" in obj:
                layouts["page"] += 1
                for tweet in obj["data"]:
                    tweets[tweet["id"]] = tweet
                    records.add(tweet["id"])
                    n += 1
                for tweet in obj["includes"].get("tweets", []):
                    tweets.setdefault(tweet["id"], tweet)
                for user in obj["includes"]["users"]:
                    users[user["id"]] = user
            else:
                layouts["flat"] += 1
                tweets[obj["id"]] = obj
                records.add(obj["id"])
                _flat_objects(obj, tweets, users)
                n += 1
        per_file[path.relative_to(folder).as_posix()] = n
    return {"per_file": per_file, "tweets": tweets, "records": records, "users": users, "layouts": layouts}


@pytest.fixture(scope="module")
def x_files(community):
    return read_x(community[1] / "x")


def _kind(tweet: dict) -> str:
    types = {r["type"] for r in tweet.get("referenced_tweets", [])}
    for ref, kind in (("retweeted", "retweet"), ("replied_to", "reply"), ("quoted", "quote")):
        if ref in types:
            return kind
    return "tweet"


# --- X --------------------------------------------------------------------------------------------

def test_both_x_layouts_are_written_and_every_reference_is_a_record(community, x_files):
    result, _, _ = community
    counts = result["counts"]["x"]
    assert x_files["layouts"]["page"] == counts["pages"] > 1 and x_files["layouts"]["flat"] == counts["flat_tweets"] > 0
    assert sum(x_files["per_file"].values()) == len(x_files["records"]) == counts["tweets"]
    # the tweets a record refers to came with it, and are records of their own somewhere
    assert set(x_files["tweets"]) == x_files["records"]
    users = x_files["users"]
    assert len(users) == counts["users"]
    for tweet in x_files["tweets"].values():
        assert tweet["author_id"] in users
        assert all(m["id"] in users for m in tweet.get("entities", {}).get("mentions", []))
        if _kind(tweet) == "reply":
            assert tweet["in_reply_to_user_id"] in users
            assert tweet["conversation_id"] in x_files["tweets"]


def test_the_x_connector_loads_every_tweet_user_and_interaction(community, x_files):
    result, _, con = community
    runs = {f: (r, l, q, s) for f, r, l, q, s in con.execute(
        "select source_file, records_read, records_loaded, records_quarantined, status from ingest_runs "
        "where source = 'x'").fetchall()}
    assert runs == {f: (n, n, 0, "ok") for f, n in x_files["per_file"].items()}
    assert con.execute("select count(*) from quarantine").fetchone()[0] == 0

    tweets = x_files["tweets"]
    kinds = Counter(_kind(t) for t in tweets.values())
    assert dict(con.execute("select kind, count(*) from content where source = 'x' group by 1").fetchall()) \
        == dict(kinds)
    mentions = sum(len({m["id"] for m in t.get("entities", {}).get("mentions", [])})
                   for t in tweets.values() if _kind(t) != "retweet")
    expected = {"reply": kinds["reply"], "retweet": kinds["retweet"], "quote": kinds["quote"], "mention": mentions}
    assert dict(con.execute("select kind, count(*) from interactions where source = 'x' group by 1").fetchall()) \
        == expected
    counts = result["counts"]["x"]
    assert (counts["originals"], counts["replies"], counts["retweets"], counts["quotes"], counts["mentions"]) == (
        kinds["tweet"], kinds["reply"], kinds["retweet"], kinds["quote"], mentions)
    assert con.execute("select count(*) from members where source = 'x'").fetchone()[0] == len(x_files["users"])
    hashtags = {h["tag"].lower() for t in tweets.values() for h in t.get("entities", {}).get("hashtags", [])}
    assert {g for (g,) in con.execute("select source_group_id from groups where source = 'x'").fetchall()} == hashtags

    # text as people read it: the API's &amp; decoded
    bodies = dict(con.execute("select source_record_id, body_text from content where source = 'x'").fetchall())
    assert all(bodies[i] == html.unescape(t["text"]) for i, t in tweets.items())
    assert any("&amp;" in t["text"] for t in tweets.values())


def test_follower_counts_are_heavy_tailed(community, x_files):
    _, _, con = community
    followers = sorted((u["public_metrics"]["followers_count"] for u in x_files["users"].values()), reverse=True)
    assert sorted((f for (f,) in con.execute(
        "select followers_count from members where source = 'x'").fetchall()), reverse=True) == followers
    top = max(1, len(followers) // 100)
    assert sum(followers[:top]) / sum(followers) >= 0.25  # the top 1% of accounts hold a quarter or more
    assert statistics.median(followers) <= 100
    assert followers[0] >= 100 * statistics.median(followers)


def test_mostly_english_with_some_german_and_spanish(community):
    _, _, con = community
    langs = dict(con.execute("select lang, count(*) from content where source = 'x' group by 1").fetchall())
    total = sum(langs.values())
    assert set(langs) == {"en", "de", "es"}
    assert langs["en"] / total >= 0.8
    assert langs["de"] / total >= 0.01 and langs["es"] / total >= 0.01


def test_conversations_replies_and_retweets_look_real(community, x_files):
    _, _, con = community
    # replies come within hours of what they answer (log-normal), and join its conversation
    delays = [h for (h,) in con.execute("""
        select epoch(r.created_at - p.created_at) / 3600 from content r join content p on r.parent_id = p.content_id
        where r.source = 'x' and r.kind = 'reply'""").fetchall()]
    assert all(h > 0 for h in delays)
    assert 0.2 <= statistics.median(delays) <= 12
    wrong_thread = con.execute("""
        select count(*) from content r join content p on r.parent_id = p.content_id
        where r.source = 'x' and r.kind = 'reply' and r.thread_id <> p.thread_id""").fetchone()[0]
    assert wrong_thread == 0
    # conversations go back and forth: some reach three tweets or more
    assert con.execute("select max(n) from (select count(*) as n from content where source = 'x' "
                       "group by thread_id)").fetchone()[0] >= 3
    # a retweet is an interaction with the original's author, whose tweet it repeats
    mismatched = con.execute("""
        select count(*) from interactions i join content o on o.content_id = i.content_id
        where i.source = 'x' and i.kind = 'retweet'
          and i.to_member_id is distinct from o.author_member_id""").fetchone()[0]
    assert mismatched == 0
    # the brand's account is the most followed and the most retweeted
    brand = max(x_files["users"].values(), key=lambda u: u["public_metrics"]["followers_count"])
    assert brand["username"] == "acme"
    most = con.execute("select to_member_id from interactions where source = 'x' and kind = 'retweet' "
                       "group by 1 order by count(*) desc limit 1").fetchone()[0]
    assert most == f"acme/x/user/{brand['id']}"


def test_x_dates_are_inside_the_window(x_files):
    end = START + dt.timedelta(days=DAYS)
    for tweet in x_files["tweets"].values():
        assert START <= dt.datetime.fromisoformat(tweet["created_at"].replace("Z", "")) <= end
    for user in x_files["users"].values():
        assert START <= dt.datetime.fromisoformat(user["created_at"].replace("Z", "")) <= end


# --- the listening tool's CSV export ----------------------------------------------------------------

@pytest.fixture(scope="module")
def csv_rows(community):
    with open(community[1] / "social_csv" / "mentions.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    return rows


def test_the_csv_export_has_its_own_columns_and_the_mapping_reads_it(community, csv_rows):
    result, folder, con = community
    header = (folder / "social_csv" / "mentions.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("Mention ID;Author ID;Author;Author Handle;Content;Published")
    assert any("\n" in r["Content"] for r in csv_rows) and any(";" in r["Content"] for r in csv_rows)
    replies = [r for r in csv_rows if r["Reply To"]]
    authors = {r["Author ID"] for r in csv_rows}
    assert result["counts"]["social_csv"] == {"posts": len(csv_rows), "replies": len(replies),
                                              "authors": len(authors)}
    assert con.execute("select records_read, records_loaded, records_quarantined from ingest_runs "
                       "where source = 'social_csv'").fetchall() == [(len(csv_rows), len(csv_rows), 0)]
    assert con.execute("select count(*) from content where source = 'social_csv'").fetchone()[0] == len(csv_rows)
    assert con.execute("select count(*) from interactions where source = 'social_csv' and kind = 'reply'"
                       ).fetchone()[0] == len(replies)
    assert con.execute("select count(*) from members where source = 'social_csv'").fetchone()[0] == len(authors)

    # every post where and when the export says, replies in the thread of the post they answer
    by_id = {r["Mention ID"]: r for r in csv_rows}

    def root(row):
        while row["Reply To"]:
            row = by_id[row["Reply To"]]
        return row["Mention ID"]

    loaded = {i: (c, t, u, h) for i, c, t, u, h in con.execute("""
        select c.source_record_id, c.created_at, c.thread_id, c.url, m.handle
        from content c join members m on m.member_id = c.author_member_id where c.source = 'social_csv'""").fetchall()}
    for post_id, row in by_id.items():
        created, thread, url, handle = loaded[post_id]
        assert created == dt.datetime.strptime(row["Published"], "%d/%m/%Y %H:%M")
        assert thread == f"acme/social_csv/post/{root(row)}"
        assert (url, "@" + handle) == (row["Link"], row["Author Handle"])
        if row["Reply To"]:
            assert created > dt.datetime.strptime(by_id[row["Reply To"]]["Published"], "%d/%m/%Y %H:%M")
    likes = [int(r["Likes"].replace(",", "")) for r in csv_rows]
    assert con.execute("select sum(score) from content where source = 'social_csv'").fetchone()[0] == sum(likes)
