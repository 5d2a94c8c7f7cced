"""The Stack Exchange connector loads exactly the records in real dumps, and loads them right."""
from __future__ import annotations

import datetime as dt
import json
import random

import duckdb
import pytest

from townsquare import pipeline
from warehouse.settings import Source

CARDANO_COUNTS = {"Posts.xml": 2630, "Users.xml": 3988, "Comments.xml": 1829, "Votes.xml": 9147,
                  "Badges.xml": 4467, "Tags.xml": 224, "PostLinks.xml": 104}


def _count(con, sql, *params):
    return con.execute(sql, list(params)).fetchone()[0]


def test_cardano_loads_every_record(cardano_db):
    con = cardano_db
    assert _count(con, "select count(*) from content where source_entity = 'post'") == 2630
    assert _count(con, "select count(*) from members") == 3988
    assert _count(con, "select count(*) from content where kind = 'comment'") == 1829
    assert _count(con, "select count(*) from interactions where kind = 'vote'") == 9147
    assert _count(con, "select count(*) from badges") == 4467
    assert _count(con, "select count(*) from groups") == 224
    assert _count(con, "select count(*) from content_links") == 104
    # SOURCE.md: 1,042 questions, 1,496 answers, 43 tag excerpts, 43 tag wikis, 6 nominations
    kinds = dict(con.execute("select kind, count(*) from content group by kind").fetchall())
    assert kinds == {"question": 1042, "answer": 1496, "tag_wiki_excerpt": 43, "tag_wiki": 43,
                     "moderator_nomination": 6, "comment": 1829}
    assert _count(con, "select count(*) from content where accepted_answer_id is not null") == 459
    assert _count(con, "select count(*) from content where closed_at is not null") == 37


def test_cardano_run_log_reconciles(cardano_db):
    runs = cardano_db.execute(
        "select source_file, status, records_read, records_loaded, records_quarantined from ingest_runs"
    ).fetchall()
    by_file = {r[0]: r for r in runs}
    for file_name, expected in CARDANO_COUNTS.items():
        _, status, read, loaded, quarantined = by_file[file_name]
        assert (status, read, loaded, quarantined) == ("ok", expected, expected, 0)
    assert by_file["PostHistory.xml"][1] == "missing"


def test_posts_match_the_xml(cardano_db, cardano_dump, xml_rows):
    posts = xml_rows(cardano_dump / "Posts.xml")
    for row in random.Random(3).sample(posts, 60) + [posts[0]]:
        loaded = cardano_db.execute(
            """select kind, created_at, score, views, title, body_text, tags, author_member_id,
                      accepted_answer_id, parent_id, raw from content where content_id = ?""",
            [f"cardano/stackexchange/post/{row['Id']}"],
        ).fetchone()
        kind, created_at, score, views, title, body_text, tags, author, accepted, parent, raw = loaded
        assert kind == {"1": "question", "2": "answer", "4": "tag_wiki_excerpt", "5": "tag_wiki",
                        "6": "moderator_nomination"}[row["PostTypeId"]]
        assert created_at == dt.datetime.fromisoformat(row["CreationDate"])
        assert score == int(row["Score"])
        assert views == (int(row["ViewCount"]) if "ViewCount" in row else None)
        assert title == row.get("Title")
        assert author == (f"cardano/stackexchange/user/{row['OwnerUserId']}" if "OwnerUserId" in row else None)
        assert accepted == (f"cardano/stackexchange/post/{row['AcceptedAnswerId']}" if "AcceptedAnswerId" in row else None)
        assert parent == (f"cardano/stackexchange/post/{row['ParentId']}" if "ParentId" in row else None)
        expected_tags = row["Tags"].strip("<>").split("><") if row.get("Tags") else None
        assert tags == expected_tags
        assert json.loads(raw) == row  # the raw record is kept as received
        # HTML became text: no tags left, and every word of the first paragraph is there
        assert "<p>" not in body_text and "&lt;" not in body_text


def test_html_body_becomes_readable_text(cardano_db):
    body = cardano_db.execute("select body_text from content where content_id = 'cardano/stackexchange/post/1'").fetchone()[0]
    assert body.startswith("As far as I know, the Cardano project was started to cover issues/problems")
    assert "\n\nHowever, Ethereum 2.0 is promising" in body
    assert body.endswith("how is Cardano different from Ethereum 2.0?")


def test_users_comments_votes_match_the_xml(cardano_db, cardano_dump, xml_rows):
    for row in random.Random(5).sample(xml_rows(cardano_dump / "Users.xml"), 30):
        name, joined, reputation, is_bot = cardano_db.execute(
            "select display_name, joined_at, reputation, is_bot from members where member_id = ?",
            [f"cardano/stackexchange/user/{row['Id']}"]).fetchone()
        assert (name, joined, reputation) == (row["DisplayName"], dt.datetime.fromisoformat(row["CreationDate"]),
                                              int(row["Reputation"]))
        assert is_bot == (row["Id"] == "-1")
    for row in random.Random(6).sample(xml_rows(cardano_dump / "Comments.xml"), 30):
        author, parent, text = cardano_db.execute(
            "select author_member_id, parent_id, body_text from content where content_id = ?",
            [f"cardano/stackexchange/comment/{row['Id']}"]).fetchone()
        assert parent == f"cardano/stackexchange/post/{row['PostId']}"
        assert author == (f"cardano/stackexchange/user/{row['UserId']}" if "UserId" in row else None)
        assert text == row["Text"]
    vote_types = {"1": "accept", "2": "upvote", "3": "downvote", "5": "favorite", "8": "bounty_start",
                  "9": "bounty_close", "10": "deletion"}
    for row in random.Random(7).sample(xml_rows(cardano_dump / "Votes.xml"), 40):
        vote_type, content_id = cardano_db.execute(
            "select vote_type, content_id from interactions where interaction_id = ?",
            [f"cardano/stackexchange/vote/{row['Id']}"]).fetchone()
        assert content_id == f"cardano/stackexchange/post/{row['PostId']}"
        if row["VoteTypeId"] in vote_types:
            assert vote_type == vote_types[row["VoteTypeId"]]


def test_threads_and_interactions_link_up(cardano_db):
    con = cardano_db
    # every answer belongs to the thread of its question; comments inherit the thread of their post
    assert _count(con, "select count(*) from content where kind = 'answer' and thread_id <> parent_id") == 0
    assert _count(con, """select count(*) from content c join content p on p.content_id = c.parent_id
                          where c.kind = 'comment' and p.kind in ('question', 'answer')
                            and c.thread_id is distinct from p.thread_id""") == 0
    # an answer interaction goes from the answerer to the asker
    row = con.execute("""select i.from_member_id, i.to_member_id, a.author_member_id, q.author_member_id
                         from interactions i join content a on a.content_id = i.via_content_id
                         join content q on q.content_id = i.content_id
                         where i.kind = 'answer' limit 1""").fetchone()
    assert row[0] == row[2] and row[1] == row[3]
    assert _count(con, "select count(*) from interactions where kind = 'accept'") == 459
    # a question tagged <nft><native-tokens> is in both groups
    assert _count(con, "select count(*) from content_groups") == _count(
        con, "select sum(len(tags)) from content where kind = 'question'")


def test_bicycles_meta_loads_all_eight_files(townsquare_home, bicycles_meta_dump, xml_rows):
    batch_dir, manifest = pipeline.extract(Source("stackexchange", bicycles_meta_dump, "bicycles-meta", "Bicycles Meta"))
    pipeline.load([batch_dir])
    expected = {"Posts.xml": 1446, "Users.xml": 2551, "Comments.xml": 2448, "Votes.xml": 5671,
                "Badges.xml": 6585, "Tags.xml": 94, "PostLinks.xml": 189, "PostHistory.xml": 3994}
    assert {f.source_file: (f.read, f.landed, f.quarantined) for f in manifest.files} == {
        name: (n, n, 0) for name, n in expected.items()}
    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    assert _count(con, "select count(*) from content_history") == 3994
    assert _count(con, "select count(*) from content where source_entity = 'post'") == 1446
    # lifecycle events from PostHistory: closes and reopens with their time and actor
    history = xml_rows(bicycles_meta_dump / "PostHistory.xml")
    closed = [r for r in history if r["PostHistoryTypeId"] == "10"]
    assert _count(con, "select count(*) from content_history where event_type = 'closed'") == len(closed)
    sample = closed[0]
    event = con.execute("select content_id, occurred_at, member_id from content_history where history_id = ?",
                        [f"bicycles-meta/stackexchange/history/{sample['Id']}"]).fetchone()
    assert event == (f"bicycles-meta/stackexchange/post/{sample['PostId']}", dt.datetime.fromisoformat(sample["CreationDate"]),
                     f"bicycles-meta/stackexchange/user/{sample['UserId']}" if "UserId" in sample else None)
    # status tags on a meta site become groups
    assert _count(con, "select count(*) from groups where name = 'feature-request'") == 1
    con.close()


def test_ingesting_the_same_dump_twice_changes_nothing(townsquare_home, cardano_dump):
    source = Source("stackexchange", cardano_dump, "cardano", "Cardano")
    tables = ["communities", "groups", "members", "member_identities", "content", "content_groups",
              "interactions", "badges", "content_links"]

    def fingerprint():
        con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
        try:
            # last_loaded_at moves on every load by design; everything else must be identical
            return {t: con.execute(f"select * exclude (last_loaded_at) from {t} order by 1" if t == "communities"
                                   else f"select * from {t} order by all").fetchall() for t in tables}
        finally:
            con.close()

    pipeline.load([pipeline.extract(source)[0]])
    first = fingerprint()
    pipeline.load([pipeline.extract(source)[0]])
    assert fingerprint() == first
