"""Each mart on the cardano dump, checked against an independent computation straight from the XML."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest

BOT = "-1"  # the Community user


def _day(timestamp: str) -> dt.date:
    return dt.datetime.fromisoformat(timestamp).date()


def _tags(row) -> list[str]:
    return row["Tags"].strip("<>").split("><") if row.get("Tags") else []


@pytest.fixture(scope="module")
def xml(cardano_xml):
    posts = cardano_xml["Posts"]
    return {
        "users": cardano_xml["Users"],
        "questions": {p["Id"]: p for p in posts if p["PostTypeId"] == "1"},
        "answers": {p["Id"]: p for p in posts if p["PostTypeId"] == "2"},
        "comments": cardano_xml["Comments"],
    }


def test_members_joined_and_active_per_day(cardano_db, xml):
    joined = Counter(_day(u["CreationDate"]) for u in xml["users"] if u["Id"] != BOT)
    active = defaultdict(set)
    for post in list(xml["questions"].values()) + list(xml["answers"].values()):
        if post.get("OwnerUserId") not in (None, BOT):
            active[_day(post["CreationDate"])].add(post["OwnerUserId"])
    for comment in xml["comments"]:
        if comment.get("UserId") not in (None, BOT):
            active[_day(comment["CreationDate"])].add(comment["UserId"])

    rows = cardano_db.execute(
        "select day, members_joined, active_members, members_total from mart_members_daily "
        "where community_id = 'cardano' order by day").fetchall()
    assert {d: j for d, j, _, _ in rows if j} == dict(joined)
    assert {d: a for d, _, a, _ in rows if a} == {d: len(ids) for d, ids in active.items()}
    days = [d for d, *_ in rows]
    assert days == [days[0] + dt.timedelta(n) for n in range(len(days))]  # continuous calendar
    assert rows[-1][3] == sum(joined.values()) == 3987


def test_content_per_day(cardano_db, xml):
    expected = defaultdict(Counter)
    for kind, rows in (("questions", xml["questions"].values()), ("answers", xml["answers"].values()),
                       ("comments", xml["comments"])):
        for row in rows:
            expected[_day(row["CreationDate"])][kind] += 1
    rows = cardano_db.execute("select day, questions, answers, comments, content_items from mart_content_daily "
                              "where community_id = 'cardano'").fetchall()
    assert {d: (q, a, c) for d, q, a, c, _ in rows} == {
        d: (k["questions"], k["answers"], k["comments"]) for d, k in expected.items()}
    assert all(q + a + c == n for _, q, a, c, n in rows)
    assert sum(n for *_, n in rows) == 1042 + 1496 + 1829  # every question, answer and comment, bots' too


def test_content_per_group_per_day(cardano_db, xml):
    expected = defaultdict(lambda: [0, 0, 0])
    for q in xml["questions"].values():
        for tag in _tags(q):
            expected[(tag, _day(q["CreationDate"]))][0] += 1
    for a in xml["answers"].values():
        for tag in _tags(xml["questions"].get(a["ParentId"], {})):
            expected[(tag, _day(a["CreationDate"]))][1] += 1
    for c in xml["comments"]:
        post = xml["questions"].get(c["PostId"]) or xml["answers"].get(c["PostId"])
        question = xml["questions"].get(post["ParentId"]) if post and post["PostTypeId"] == "2" else post
        for tag in _tags(question or {}):
            expected[(tag, _day(c["CreationDate"]))][2] += 1

    rows = cardano_db.execute(
        "select group_name, day, questions, answers, comments, content_items from mart_group_content_daily "
        "where community_id = 'cardano'").fetchall()
    assert {(g, d): [q, a, c] for g, d, q, a, c, _ in rows} == dict(expected)
    assert all(total == q + a + c for _, _, q, a, c, total in rows)


def test_top_contributors(cardano_db, xml):
    users = {u["Id"] for u in xml["users"] if u["Id"] != BOT}
    accepted = {q["AcceptedAnswerId"] for q in xml["questions"].values() if "AcceptedAnswerId" in q}
    totals = defaultdict(lambda: [0, 0, 0])  # posts, accepted answers, score received
    for post in list(xml["questions"].values()) + list(xml["answers"].values()):
        owner = post.get("OwnerUserId")
        if owner in users:
            totals[owner][0] += 1
            totals[owner][1] += post["Id"] in accepted
            totals[owner][2] += int(post["Score"])

    rows = cardano_db.execute(
        """select member_id, sum(posts), sum(accepted_answers), sum(score_received)
           from mart_contributor_daily where community_id = 'cardano' and posts > 0 group by member_id""").fetchall()
    assert {m.removeprefix("cardano/stackexchange/user/"): [p, a, s] for m, p, a, s in rows} == dict(totals)
    top = cardano_db.execute(
        """select member_id from mart_contributor_daily where community_id = 'cardano'
           group by member_id order by sum(posts) desc, sum(accepted_answers) desc, member_id limit 5""").fetchall()
    expected_top = sorted(totals, key=lambda m: (-totals[m][0], -totals[m][1], f"cardano/stackexchange/user/{m}"))[:5]
    assert [m.removeprefix("cardano/stackexchange/user/") for (m,) in top] == expected_top


def test_first_response_and_unanswered_share(cardano_db, xml):
    responses = defaultdict(list)  # question id -> (time, kind, author)
    for a in xml["answers"].values():
        responses[a["ParentId"]].append((a["CreationDate"], "answer", a.get("OwnerUserId")))
    for c in xml["comments"]:
        post = xml["questions"].get(c["PostId"]) or xml["answers"].get(c["PostId"])
        if post is not None:
            question_id = post["Id"] if post["PostTypeId"] == "1" else post["ParentId"]
            responses[question_id].append((c["CreationDate"], "comment", c.get("UserId")))

    expected = {}
    for qid, q in xml["questions"].items():
        asker = q.get("OwnerUserId")
        by_others = sorted(r for r in responses[qid]
                           if r[2] != BOT and (r[2] is None or r[2] != asker)
                           and dt.datetime.fromisoformat(r[0]) >= dt.datetime.fromisoformat(q["CreationDate"]))
        hours = None
        if by_others:
            delta = dt.datetime.fromisoformat(by_others[0][0]) - dt.datetime.fromisoformat(q["CreationDate"])
            hours = delta.total_seconds() / 3600
        expected[qid] = (hours, sum(1 for r in by_others if r[1] == "answer") == 0)

    rows = cardano_db.execute(
        "select thread_id, hours_to_first_response, is_unanswered from mart_thread_response "
        "where community_id = 'cardano'").fetchall()
    assert len(rows) == len(expected) == 1042
    for thread_id, hours, unanswered in rows:
        want_hours, want_unanswered = expected[thread_id.removeprefix("cardano/stackexchange/post/")]
        assert unanswered == want_unanswered
        assert hours == pytest.approx(want_hours, abs=1e-3) if want_hours is not None else hours is None
    unanswered_share = sum(u for _, u in expected.values()) / len(expected)
    mart_share = cardano_db.execute(
        "select avg(is_unanswered::int) from mart_thread_response where community_id = 'cardano'").fetchone()[0]
    assert mart_share == pytest.approx(unanswered_share)
    assert 0.05 < mart_share < 0.5  # a real community: most, not all, questions get answers


def test_communities_summary(cardano_db):
    row = cardano_db.execute("select name, members, questions, answers, comments, first_activity_day, "
                             "last_activity_day from mart_communities").fetchone()
    assert row == ("Cardano Stack Exchange", 3987, 1042, 1496, 1829, dt.date(2021, 4, 27), dt.date(2021, 12, 4))
