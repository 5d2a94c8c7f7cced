"""The community marts (mart_communities, mart_content_daily, mart_thread_response) on a hand-built forum
whose answers are worked out below; their real-data checks are in test_marts_cardano.py."""
from __future__ import annotations

import datetime as dt

T = dt.datetime


def _forum(hw) -> None:
    """a asks q1 (Jan 1, 10:00); the bot comments at 10:30; a comments on q1 at 11:00 (own: no response);
    b answers at 14:00 (accepted), c comments on b's answer Jan 2 08:00. b asks q2 (Jan 2, 09:00), nobody
    answers; c comments at 09:30. A tag wiki on Jan 3 is site furniture. d joins Jan 3, never posts."""
    hw.add("communities", [{"community_id": "f", "name": "Forum", "source": "hand", "first_loaded_at": T(2024, 1, 5),
                             "last_loaded_at": T(2024, 1, 5)}])
    hw.add("members", [
        {"member_id": f"f/{who}", "community_id": "f", "joined_at": T(2024, 1, day), **extra}
        for who, day, extra in (("a", 1, {}), ("b", 1, {}), ("c", 2, {}), ("d", 3, {}), ("bot", 1, {"is_bot": True}))])

    def post(cid, kind, author, at, thread, parent=None, **extra):
        return {"content_id": f"f/{cid}", "community_id": "f", "kind": kind, "author_member_id": f"f/{author}",
                "created_at": at, "thread_id": f"f/{thread}" if thread else None,
                "parent_id": f"f/{parent}" if parent else None, **extra}

    hw.add("content", [
        post("q1", "question", "a", T(2024, 1, 1, 10), "q1", accepted_answer_id="f/a1", title="How?"),
        post("k0", "comment", "bot", T(2024, 1, 1, 10, 30), "q1", "q1"),
        post("k1", "comment", "a", T(2024, 1, 1, 11), "q1", "q1"),
        post("a1", "answer", "b", T(2024, 1, 1, 14), "q1", "q1"),
        post("k2", "comment", "c", T(2024, 1, 2, 8), "q1", "a1"),
        post("q2", "question", "b", T(2024, 1, 2, 9), "q2", title="Why?"),
        post("k3", "comment", "c", T(2024, 1, 2, 9, 30), "q2", "q2"),
        post("w1", "tag_wiki", "a", T(2024, 1, 3), None),
    ])


def test_communities_and_content_per_day_by_hand(hand_warehouse):
    _forum(hand_warehouse)
    hand_warehouse.refresh()
    # members: a, b, c, d joined (the bot does not count); activity: questions, answers, comments only
    assert hand_warehouse.rows("""select name, members, questions, answers, comments, first_activity_day::varchar,
                                         last_activity_day::varchar from mart_communities""") == [
        ("Forum", 4, 2, 1, 4, "2024-01-01", "2024-01-02")]
    # Jan 1: q1, a1 and the comments k0 (the bot's post is content too) and k1; Jan 2: q2, k2, k3
    assert hand_warehouse.rows("""select day::varchar, questions, answers, comments, content_items
                                  from mart_content_daily order by day""") == [
        ("2024-01-01", 1, 1, 2, 4), ("2024-01-02", 1, 0, 2, 3)]


def test_first_response_per_question_by_hand(hand_warehouse):
    _forum(hand_warehouse)
    hand_warehouse.refresh()
    got = hand_warehouse.rows("""select thread_id, first_responder_member_id, first_response_kind,
                                        hours_to_first_response, answers, is_unanswered, has_accepted_answer
                                 from mart_thread_response order by thread_id""")
    assert got == [
        # q1: the bot's comment and a's own comment are not responses; b's answer 4 h after the question is
        ("f/q1", "f/b", "answer", 4.0, 1, False, True),
        # q2: c's comment came after 30 min, but only an answer answers a question
        ("f/q2", "f/c", "comment", 0.5, 0, True, False),
    ]


def test_writing_on_other_channels_counts_as_content_and_contribution(hand_warehouse):
    # s: x tweets (Jan 1), y replies (Jan 1) and retweets it (Jan 2: sharing, not writing); a bot tweets
    hand_warehouse.add("communities", [{"community_id": "s", "name": "Social", "source": "x",
                                        "first_loaded_at": T(2024, 1, 5), "last_loaded_at": T(2024, 1, 5)}])
    hand_warehouse.add("members", [{"member_id": f"s/{who}", "community_id": "s", **extra}
                                   for who, extra in (("x", {}), ("y", {}), ("bot", {"is_bot": True}))])

    def item(cid, kind, author, at, thread, score=0):
        return {"content_id": f"s/{cid}", "community_id": "s", "kind": kind, "author_member_id": f"s/{author}",
                "created_at": at, "thread_id": f"s/{thread}", "channel": "social", "score": score}

    hand_warehouse.add("content", [
        item("t1", "tweet", "x", T(2024, 1, 1, 9), "t1", score=5), item("r1", "reply", "y", T(2024, 1, 1, 10), "t1"),
        item("rt", "retweet", "y", T(2024, 1, 2, 9), "rt"), item("b1", "tweet", "bot", T(2024, 1, 2, 10), "b1")])
    hand_warehouse.refresh()
    # Jan 1: the tweet and the reply; Jan 2: the bot's tweet is content (not a person's), the retweet is not
    assert hand_warehouse.rows("""select day::varchar, questions, answers, comments, other_posts, content_items
                                  from mart_content_daily where community_id = 's' order by day""") == [
        ("2024-01-01", 0, 0, 0, 2, 2), ("2024-01-02", 0, 0, 0, 1, 1)]
    assert hand_warehouse.rows("select other_posts, last_activity_day::varchar from mart_communities "
                               "where community_id = 's'") == [(3, "2024-01-02")]
    # x's tweet has 5 likes (a like count on X); y's reply none; the bot is no contributor
    assert hand_warehouse.rows("""select member_id, posts, score_received, likes_received from mart_contributor_daily
                                  where community_id = 's' order by member_id""") == [
        ("s/x", 1, 5, 5), ("s/y", 1, 0, 0)]
