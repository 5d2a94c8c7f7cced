"""The synthetic generator: real dump format, deterministic, and a community that behaves like one.

The demo and the benchmarks rest on these properties: the real connector reads every generated row
without quarantine, the same seed gives the same files, and the marts show what a community manager
expects to see (growth, a few very active members, answer delays of hours, some unanswered questions).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from collections import Counter
from pathlib import Path

import pytest

from synthetic.stackexchange import generate_stackexchange_dump
from townsquare import pipeline
from warehouse.settings import Source


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.xml"))}


@pytest.fixture(scope="module")
def dump(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("synthetic") / "dump"
    counts = generate_stackexchange_dump(folder, members=2500, days=400, seed=5, site_name="acme")
    return folder, counts


@pytest.fixture(scope="module")
def rows(dump, xml_rows) -> dict[str, list[dict[str, str]]]:
    folder, _ = dump
    return {p.stem: xml_rows(p) for p in folder.glob("*.xml")}


@pytest.fixture(scope="module")
def loaded(dump, tmp_path_factory):
    """The dump ingested by the real connector, marts built."""
    import duckdb

    folder, _ = dump
    home = tmp_path_factory.mktemp("synthetic-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOWNSQUARE_HOME", str(home))
        batch_dir, manifest = pipeline.extract(Source("stackexchange", folder, "acme", "Acme"))
        pipeline.load([batch_dir])
        pipeline.build_marts()
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    yield manifest, con
    con.close()


def test_same_seed_same_bytes_other_seed_other_community(dump, tmp_path):
    folder, counts = dump
    again = generate_stackexchange_dump(tmp_path / "again", members=2500, days=400, seed=5, site_name="acme")
    assert again == counts
    assert _digest(tmp_path / "again") == _digest(folder)
    other = generate_stackexchange_dump(tmp_path / "other", members=2500, days=400, seed=6, site_name="acme")
    assert _digest(tmp_path / "other")["Posts.xml"] != _digest(folder)["Posts.xml"]
    assert other["Users.xml"] == counts["Users.xml"]  # members + the Community user


def test_files_follow_the_dump_format(dump):
    folder, counts = dump
    assert sorted(counts) == sorted(p.name for p in folder.glob("*.xml")) and len(counts) == 8
    raw = (folder / "Posts.xml").read_bytes()
    assert raw.startswith(b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>\r\n<posts>\r\n  <row Id="')
    assert raw.endswith(b" />\r\n</posts>")
    assert b"&lt;p&gt;" in raw and b"&#xA;" in raw  # HTML bodies escaped as in real dumps
    votes = (folder / "Votes.xml").read_text(encoding="utf-8-sig").splitlines()[2:-1]
    assert all('T00:00:00.000"' in line for line in votes)  # votes carry a date only


def test_the_connector_reads_every_row(dump, loaded):
    _, counts = dump
    manifest, con = loaded
    by_file = {f.source_file: f for f in manifest.files}
    for name, n in counts.items():
        assert by_file[name].status == "ok", by_file[name].message
        assert (by_file[name].read, by_file[name].landed, by_file[name].quarantined) == (n, n, 0), name
    assert con.execute("select count(*) from quarantine").fetchone()[0] == 0


def test_counts_on_posts_agree_with_the_other_files(rows):
    posts = {p["Id"]: p for p in rows["Posts"]}
    answers = Counter(p["ParentId"] for p in rows["Posts"] if p["PostTypeId"] == "2")
    comments = Counter(c["PostId"] for c in rows["Comments"])
    score = Counter()
    for v in rows["Votes"]:
        score[v["PostId"]] += {"2": 1, "3": -1}.get(v["VoteTypeId"], 0)
        assert ("UserId" in v) == (v["VoteTypeId"] in ("5", "8", "9"))
    for pid, post in posts.items():
        assert int(post["CommentCount"]) == comments[pid]
        assert int(post["Score"]) == score[pid]
        if post["PostTypeId"] == "1":
            assert int(post["AnswerCount"]) == answers[pid]
        if "AcceptedAnswerId" in post:
            assert posts[post["AcceptedAnswerId"]]["ParentId"] == pid
    accepts = {v["PostId"] for v in rows["Votes"] if v["VoteTypeId"] == "1"}
    assert accepts == {p["AcceptedAnswerId"] for p in posts.values() if "AcceptedAnswerId" in p}
    tag_counts = Counter(t for p in posts.values() if p["PostTypeId"] == "1"
                         for t in p["Tags"].strip("<>").split("><"))
    assert {t["TagName"]: int(t["Count"]) for t in rows["Tags"] if int(t["Count"])} == dict(tag_counts)
    users = {u["Id"] for u in rows["Users"]}
    assert "-1" in users
    assert {p["OwnerUserId"] for p in posts.values() if "OwnerUserId" in p} <= users
    assert {c["UserId"] for c in rows["Comments"]} <= users
    assert {b["UserId"] for b in rows["Badges"]} <= users
    autobiographers = {b["UserId"] for b in rows["Badges"] if b["Name"] == "Autobiographer"}
    assert autobiographers == {u["Id"] for u in rows["Users"] if "AboutMe" in u and u["Id"] != "-1"}


def test_nothing_happens_after_the_dump_date(rows):
    end = dt.datetime(2025, 1, 1) + dt.timedelta(days=400)
    for name, attribute in [("Posts", "CreationDate"), ("Comments", "CreationDate"), ("Votes", "CreationDate"),
                            ("Badges", "Date"), ("PostHistory", "CreationDate"), ("Users", "CreationDate")]:
        latest = max(dt.datetime.fromisoformat(r[attribute]) for r in rows[name])
        assert latest <= end, name


def test_the_community_behaves_like_a_real_one(loaded):
    _, con = loaded
    unanswered, median_hours = con.execute(
        "select avg(is_unanswered::int), median(hours_to_first_response) from mart_thread_response "
        "where asked_day < date '2025-12-01'").fetchone()  # recent questions have not had their chance yet
    assert 0.05 <= unanswered <= 0.30
    assert 0.3 <= median_hours <= 24

    # Heavy tail: the top 1% of answerers give a large share of the answers.
    answers = [n for (n,) in con.execute(
        "select sum(answers) from mart_contributor_daily group by member_id having sum(answers) > 0 "
        "order by 1 desc").fetchall()]
    top = max(1, len(answers) // 100)
    assert sum(answers[:top]) / sum(answers) >= 0.15  # cardano.stackexchange: 0.20
    assert statistics.median(answers) <= 2

    # Growth: more members active in the last quarter than in the first.
    first, last = con.execute(
        "select sum(active_members) filter (where day < date '2025-04-01'), "
        "sum(active_members) filter (where day >= date '2025-11-06') from mart_members_daily").fetchone()
    assert last > 1.5 * first

    # Askers comment on their own questions, and those comments are not counted as responses.
    own = con.execute("""
        select count(*) from content c join content q on c.parent_id = q.content_id
        where c.kind = 'comment' and q.kind = 'question' and c.author_member_id = q.author_member_id""").fetchone()[0]
    assert own > 50
