"""Popular groups (mart_group_period, mart_group_content_daily) and top contributors (mart_contributors,
mart_contributor_daily): a hand-built forum worked out by hand, the reputation settings, and the cardano
dump recomputed from its XML with ElementTree."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict

import pytest

from transforms.parameters import reputation
from warehouse.settings import ConfigError

T = dt.datetime


def _forum(hw) -> None:
    """Three people and a bot on a Stack Exchange-like forum (2024-01-01 and 2024-02-05 are Mondays).

    Jan: q1 by a [t1, t2] on 01-01, its answer a1 by b on 01-02 (score 3, accepted), a comment k1 by c on
         a1 on 01-09.
    Feb: q2 by c [t1] on 02-05, answers a2 by the bot and a3 by a (score 0) on 02-06; q3 by b [t2] on 02-20.
    Votes: b upvotes q1 (b is known), two anonymous upvotes and b's own upvote on a1, an anonymous
    downvote on q2.
    """
    hw.add("sources", [{"source_key": "h/hand", "community_id": "h", "kind": "stackexchange", "channel": "forum",
                        "namespace": "hand", "first_loaded_at": T(2024, 3, 1), "last_loaded_at": T(2024, 3, 1)}])
    hw.add("members", [{"member_id": m, "community_id": "h", "display_name": m.upper(), "joined_at": T(2023, 12, 1),
                        "is_bot": m == "bot"} for m in ("a", "b", "c", "bot")])
    hw.add("groups", [{"group_id": f"h/tag/{t}", "community_id": "h", "source": "hand", "kind": "tag", "name": t}
                      for t in ("t1", "t2")])

    def post(cid, kind, author, at, thread, parent=None, score=0, accepted=None):
        return {"content_id": cid, "community_id": "h", "kind": kind, "author_member_id": author, "created_at": at,
                "thread_id": thread, "parent_id": parent, "score": score, "accepted_answer_id": accepted}

    hw.add("content", [
        post("q1", "question", "a", T(2024, 1, 1, 9), "q1", score=1, accepted="a1"),
        post("a1", "answer", "b", T(2024, 1, 2, 9), "q1", "q1", score=3),
        post("k1", "comment", "c", T(2024, 1, 9, 9), "q1", "a1"),
        post("q2", "question", "c", T(2024, 2, 5, 9), "q2", score=-1),
        post("a2", "answer", "bot", T(2024, 2, 6, 9), "q2", "q2"),
        post("a3", "answer", "a", T(2024, 2, 6, 10), "q2", "q2"),
        post("q3", "question", "b", T(2024, 2, 20, 9), "q3"),
    ])
    hw.add("content_groups", [{"content_id": q, "group_id": f"h/tag/{t}", "community_id": "h"}
                              for q, t in (("q1", "t1"), ("q1", "t2"), ("q2", "t1"), ("q3", "t2"))])

    def vote(n, vote_type, voter, target, content, at):
        return {"interaction_id": f"h/vote/{n}", "community_id": "h", "source": "hand", "kind": "vote",
                "vote_type": vote_type, "from_member_id": voter, "to_member_id": target, "content_id": content,
                "occurred_at": at}

    hw.add("interactions", [
        vote(1, "upvote", "b", "a", "q1", T(2024, 1, 3)),
        vote(2, "upvote", None, "b", "a1", T(2024, 1, 3)),
        vote(3, "upvote", None, "b", "a1", T(2024, 1, 4)),
        vote(4, "upvote", "b", "b", "a1", T(2024, 1, 4)),  # a self-vote: not counted
        vote(5, "downvote", None, "c", "q2", T(2024, 2, 7)),
    ])


def test_group_periods_by_hand(hand_warehouse):
    _forum(hand_warehouse)
    hand_warehouse.refresh()
    rows = hand_warehouse.dicts(
        """select group_name, period_start, day, content_items, participants, community_content_items,
                  community_participants, share_of_activity, previous_content_items, content_change,
                  content_change_ratio, popularity_rank
           from mart_group_period where period_kind = 'month' order by period_start, group_name""")
    got = [tuple(r.values()) for r in rows]
    jan, feb = dt.date(2024, 1, 1), dt.date(2024, 2, 1)
    assert got == [
        # Jan: q1, a1, k1 in both t1 and t2 (q1 has both tags); the community's 3 items; no December baseline
        ("t1", jan, dt.date(2024, 1, 31), 3, 3, 3, 3, 1.0, None, None, None, 1),
        ("t2", jan, dt.date(2024, 1, 31), 3, 3, 3, 3, 1.0, None, None, None, 1),
        # Feb t1: q2, a2 (bot), a3 -> 3 items by c and a (the bot is content, not a participant); community
        # 4 items (q3 too) by a, b, c -> share 3/4; change 3 - 3 = 0
        ("t1", feb, dt.date(2024, 2, 29), 3, 2, 4, 3, 0.75, 3, 0, 0.0, 1),
        # Feb t2: q3 -> 1/4; change 1 - 3 = -2, relative -2/3
        ("t2", feb, dt.date(2024, 2, 29), 1, 1, 4, 3, 0.25, 3, -2, pytest.approx(-2 / 3), 2),
    ]
    weeks = hand_warehouse.rows(
        """select period_start, content_items, previous_content_items, content_change_ratio from mart_group_period
           where period_kind = 'week' and group_name = 't1' order by period_start""")
    assert weeks == [
        (dt.date(2024, 1, 1), 2, None, None),   # q1, a1; the community had nothing the week before
        (dt.date(2024, 1, 8), 1, 2, -0.5),      # k1: (1 - 2) / 2
        (dt.date(2024, 2, 5), 3, None, None),   # q2, a2, a3: the community was silent the week of 01-29
    ]
    daily = hand_warehouse.rows("select day, questions, answers, comments, content_items, participants, group_kind "
                                "from mart_group_content_daily where group_name = 't1' order by day")
    assert daily[-1] == (dt.date(2024, 2, 6), 0, 2, 0, 2, 1, "tag")  # a2 (bot) and a3 (a): one participant


def test_contributors_by_hand(hand_warehouse):
    _forum(hand_warehouse)
    hand_warehouse.refresh()
    got = hand_warehouse.rows(
        """select member_id, display_name, questions, answers, comments, posts, accepted_answers, helpful_answers,
                  helpfulness, score_received, upvotes_received, downvotes_received, supporters, reputation, level,
                  rank
           from mart_contributors order by rank""")
    assert got == [
        # b: a1 accepted (+15), two anonymous upvotes (2 x 10; the self-vote is not counted) = 35 -> basic (15)
        ("b", "B", 1, 1, 0, 2, 1, 1, 1.0, 3, 2, 0, 0, 35, "basic", 1),
        # a: one upvote on q1 from b (a known supporter) = 10 -> new; a3 has score 0: not helpful
        ("a", "A", 1, 1, 0, 2, 0, 0, 0.0, 1, 1, 0, 1, 10, "new", 2),
        # c: one downvote = -2 -> still the first level; no answers: helpfulness undefined
        ("c", "C", 1, 0, 1, 1, 0, 0, None, -1, 0, 1, 0, -2, "new", 3),
    ]


def test_reputation_points_and_levels_are_configurable(hand_warehouse):
    _forum(hand_warehouse)
    hand_warehouse.write_config("""
[marts.reputation.points]
answer = 5
comment = 1

[[marts.reputation.levels]]
name = "visitor"
min_points = 0

[[marts.reputation.levels]]
name = "helper"
min_points = 12
""")
    hand_warehouse.refresh()
    got = hand_warehouse.rows("select member_id, reputation, level, rank from mart_contributors order by rank")
    # b 35 + 5 (a1) = 40; a 10 + 5 (a3) = 15; c -2 + 1 (k1) = -1
    assert got == [("b", 40, "helper", 1), ("a", 15, "helper", 2), ("c", -1, "visitor", 3)]


@pytest.mark.parametrize("section, message", [
    ({"points": {"answr": 1}}, "unknown action"),
    ({"points": {"answer": 1.5}}, "whole number"),
    ({"levels": [{"name": "x", "min_points": 5}]}, "start at min_points = 0"),
    ({"levels": [{"name": "x", "min_points": 0}, {"name": "x", "min_points": 9}]}, "unique"),
    ({"level": []}, "unknown key"),
])
def test_bad_reputation_settings_say_what_to_fix(section, message):
    with pytest.raises(ConfigError, match=message):
        reputation.tables(section, "townsquare.toml [marts.reputation]")


def test_default_levels_start_at_zero_and_rise():
    levels = reputation.tables({}, "here")["param_reputation_levels"].to_pylist()
    assert levels[0]["min_points"] == 0
    assert [lv["min_points"] for lv in levels] == sorted(lv["min_points"] for lv in levels)


# --- the cardano dump, recomputed from its XML ------------------------------------------------------

BOT = "-1"


@pytest.fixture(scope="module")
def dump(shared_dataset):
    folder = shared_dataset("stackexchange_cardano")
    read = lambda name: [dict(r.attrib) for r in ET.parse(folder / f"{name}.xml").getroot()]  # noqa: E731
    posts = read("Posts")
    return {"posts": {p["Id"]: p for p in posts}, "comments": read("Comments"), "votes": read("Votes")}


def _question_of(dump, post_id):
    post = dump["posts"].get(post_id)
    if post is None:
        return None
    return post if post["PostTypeId"] == "1" else dump["posts"].get(post.get("ParentId"))


def test_cardano_groups_per_month_match_the_dump(analytics_db, dump):
    items = defaultdict(int)
    people = defaultdict(set)
    community = Counter()
    records = [(p["Id"], p.get("OwnerUserId"), p["CreationDate"]) for p in dump["posts"].values()
               if p["PostTypeId"] in ("1", "2")]
    records += [(c["PostId"], c.get("UserId"), c["CreationDate"]) for c in dump["comments"]]
    for post_id, author, created in records:
        month = dt.date.fromisoformat(created[:7] + "-01")
        community[month] += 1
        question = _question_of(dump, post_id)
        tags = question["Tags"].strip("|<>").replace("><", "|").split("|") if question and question.get("Tags") else []
        for tag in tags:
            items[(tag, month)] += 1
            if author not in (None, BOT):
                people[(tag, month)].add(author)

    rows = analytics_db.execute(
        """select group_name, period_start, content_items, participants, community_content_items, share_of_activity
           from mart_group_period where community_id = 'cardano' and period_kind = 'month'""").fetchall()
    assert len(rows) == len(items)
    for tag, month, n, participants, total, share in rows:
        assert (n, participants, total) == (items[(tag, month)], len(people[(tag, month)]), community[month])
        assert share == pytest.approx(n / total)
    top = analytics_db.execute(
        """select group_name from mart_group_period where community_id = 'cardano' and period_kind = 'month'
           and period_start = '2021-06-01' and popularity_rank = 1""").fetchall()
    june = {tag: n for (tag, month), n in items.items() if month == dt.date(2021, 6, 1)}
    assert [t for (t,) in top] == [t for t, n in june.items() if n == max(june.values())]


def test_cardano_contributors_match_the_dump(analytics_db, dump):
    posts = dump["posts"]
    accepted = {q["AcceptedAnswerId"] for q in posts.values() if q.get("AcceptedAnswerId")}
    want = defaultdict(lambda: Counter())
    for p in posts.values():
        owner = p.get("OwnerUserId")
        if owner in (None, BOT) or p["PostTypeId"] not in ("1", "2"):
            continue
        want[owner]["answers"] += p["PostTypeId"] == "2"
        want[owner]["accepted"] += p["Id"] in accepted
    for v in dump["votes"]:
        owner = posts.get(v["PostId"], {}).get("OwnerUserId")
        if owner in (None, BOT) or v.get("UserId") == owner:
            continue
        want[owner]["upvotes"] += v["VoteTypeId"] == "2"
        want[owner]["downvotes"] += v["VoteTypeId"] == "3"

    rows = analytics_db.execute(
        """select member_id, answers, accepted_answers, upvotes_received, downvotes_received, reputation
           from mart_contributors where community_id = 'cardano'""").fetchall()
    got = {m.removeprefix("cardano/stackexchange/user/"): (a, acc, up, down) for m, a, acc, up, down, _ in rows}
    for member in set(got) | set(want):
        w = want[member]
        assert got.get(member) == (w["answers"], w["accepted"], w["upvotes"], w["downvotes"]), member
    # reputation with the default points: 15 per accepted answer, 10 per upvote, -2 per downvote
    for m, _, acc, up, down, points in rows:
        assert points == 15 * acc + 10 * up - 2 * down
    assert sum(w["upvotes"] for w in want.values()) > 1000  # a real community votes
