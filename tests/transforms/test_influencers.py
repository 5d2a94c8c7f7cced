"""Influencers: the weighted interaction graph (int_influence_edges) and its PageRank (mart_influencers),
on a hand-built community worked out by hand and on the X sample against a PageRank written here."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from transforms.parameters import influence
from warehouse.settings import ConfigError

DAY = dt.datetime(2025, 6, 1, 12)


def power_iteration(edges: dict[tuple[str, str], float], iterations: int, damping: float = 0.85) -> dict[str, float]:
    """Plain PageRank: start uniform, follow out-edges by weight, spread dangling rank over every node."""
    nodes = sorted({n for pair in edges for n in pair})
    out = defaultdict(float)
    for (source, _), weight in edges.items():
        out[source] += weight
    rank = {n: 1 / len(nodes) for n in nodes}
    for _ in range(iterations):
        dangling = sum(rank[n] for n in nodes if n not in out)
        new = {n: (1 - damping) / len(nodes) + damping * dangling / len(nodes) for n in nodes}
        for (source, target), weight in edges.items():
            new[target] += damping * rank[source] * weight / out[source]
        rank = new
    return rank


def _hand_community(hw) -> None:
    member = {"community_id": "hand", "source": "x", "joined_at": DAY}
    hw.add("members", [
        {**member, "member_id": "a", "display_name": "Ann", "handle": "ann", "followers_count": 100},
        {**member, "member_id": "b", "display_name": "Bob", "handle": "bob", "followers_count": 5000},
        {**member, "member_id": "c", "display_name": "Cy", "handle": "cy"},
        {**member, "member_id": "d", "display_name": "Dee", "handle": "dee", "followers_count": 10},
        {**member, "member_id": "d2", "person_id": "d", "display_name": "Dee (work)", "handle": "dee_work",
         "followers_count": 30},
        {**member, "member_id": "bot", "display_name": "Bot", "handle": "bot", "is_bot": True},
    ])
    # (content, kind, author, language, sentiment, topics)
    posts = [
        ("t1", "tweet", "a", "en", 0.5, ["pricing"]),
        ("t2", "tweet", "a", "en", 0.3, []),
        ("y2", "reply", "a", "en", 0.4, []),
        ("y1", "reply", "b", "en", -0.6, ["pricing", "support"]),
        ("t3", "tweet", "b", "en", -0.4, []),
        ("t4", "tweet", "b", "fr", None, []),        # not English: counted as a post, not for sentiment
        ("r1", "retweet", "c", "en", 0.9, ["pricing"]),  # someone else's words: not c's post
        ("t5", "tweet", "c", "en", 0.9, []),
        ("m1", "tweet", "d2", "en", 0.0, []),
    ]
    hw.add("content", [{"content_id": cid, "community_id": "hand", "kind": kind, "author_member_id": author,
                        "created_at": DAY, "body_text": cid, "text_hash": f"h-{cid}", "channel": "social"}
                       for cid, kind, author, *_ in posts])
    enriched = dt.datetime(2025, 6, 2)
    hw.add("enrichments", [{"content_id": cid, "text_hash": f"h-{cid}", "pipeline_version": "v1",
                            "community_id": "hand", "language": lang, "sentiment": sentiment, "topics": topics,
                            "enriched_at": enriched} for cid, _, _, lang, sentiment, topics in posts] + [
        # an older run on t2's current text (superseded) and r1's earlier text (no longer its text)
        {"content_id": "t2", "text_hash": "h-t2", "pipeline_version": "v0", "community_id": "hand",
         "language": "en", "sentiment": -0.9, "topics": ["support"], "enriched_at": dt.datetime(2025, 6, 1)},
        {"content_id": "r1", "text_hash": "old", "pipeline_version": "v1", "community_id": "hand",
         "language": "en", "sentiment": 0.0, "topics": ["support"], "enriched_at": dt.datetime(2025, 6, 3)},
    ])
    # (id, kind, vote type, from, to, content acted on, carrying content)
    interactions = [
        ("i1", "reply", None, "b", "a", "t1", "y1"),
        ("i2", "retweet", None, "c", "a", "t1", "r1"),
        ("i3", "mention", None, "d2", "a", "m1", "m1"),
        ("i4", "reply", None, "a", "b", "y1", "y2"),
        ("i5", "reply", None, "bot", "a", "t1", None),     # a bot: left out
        ("i6", "reply", None, "a", "a", "t2", "t2"),       # own post: no self loop
        ("i7", "mention", None, "d", "d2", "m1", "m1"),    # two accounts of one person: a self loop
        ("i8", "vote", "upvote", None, "a", "t1", None),   # anonymous voter: no edge
        ("i9", "vote", "downvote", "c", "b", "y1", None),  # weight 0 by default: no edge
    ]
    hw.add("interactions", [{"interaction_id": iid, "community_id": "hand", "source": "x", "kind": kind,
                             "vote_type": vote, "from_member_id": f, "to_member_id": t, "content_id": content,
                             "via_content_id": via, "occurred_at": DAY}
                            for iid, kind, vote, f, t, content, via in interactions])


def test_hand_graph_pagerank_labels(hand_warehouse):
    _hand_community(hand_warehouse)
    hand_warehouse.write_config("[marts.influence]\niterations = 200\ninfluential_score = 0.7\n")
    hand_warehouse.refresh()

    edges = hand_warehouse.rows("select topic, from_member_id, to_member_id, weight, interactions "
                                "from int_influence_edges order by all")
    # d2 is d; retweet weighs 2; the bot, the self loops, the anonymous up vote and the down vote are gone.
    # r1 is on pricing in its current enrichment (the 'support' one was for an older text).
    assert edges == [("", "a", "b", 1.0, 1), ("", "b", "a", 1.0, 1), ("", "c", "a", 2.0, 1), ("", "d", "a", 1.0, 1),
                     ("pricing", "b", "a", 1.0, 1), ("pricing", "c", "a", 2.0, 1),
                     ("support", "b", "a", 1.0, 1)]

    rows = {(r["topic"], r["member_id"]): r for r in hand_warehouse.dicts("select * from mart_influencers")}
    # Overall, N = 4, nobody dangling; c and d have no in-edges: c = d = 0.15 / 4 = 0.0375.
    #   a = 0.0375 + 0.85 (b + c + d), b = 0.0375 + 0.85 a  =>  a (1 - 0.7225) = 0.0375 + 0.031875 + 0.06375
    #   a = 0.133125 / 0.2775 = 71/148, b = 0.0375 + 0.85 * 71/148 = 65.9/148
    # pricing, N = 3, a dangling (its rank spreads over all three): b = c = 0.05 + 0.85 a / 3 and a = 1 - 2b
    #   => b = (0.05 + 0.85/3) / (1 + 1.7/3) = 10/47, a = 27/47
    # support, N = 2, a dangling: b = 0.075 + 0.85 a / 2, a = 1 - b  =>  b = 0.5 / 1.425 = 20/57, a = 37/57
    expected = {("", "a"): 71 / 148, ("", "b"): 65.9 / 148, ("", "c"): 0.0375, ("", "d"): 0.0375,
                ("pricing", "a"): 27 / 47, ("pricing", "b"): 10 / 47, ("pricing", "c"): 10 / 47,
                ("support", "a"): 37 / 57, ("support", "b"): 20 / 57}
    assert set(rows) == set(expected)
    for key, value in expected.items():
        assert rows[key]["pagerank"] == pytest.approx(value, abs=1e-12), key
    for topic in ("", "pricing", "support"):
        assert sum(r["pagerank"] for (t, _), r in rows.items() if t == topic) == pytest.approx(1, abs=1e-12)
    # and the same numbers from a power iteration written here
    plain = power_iteration({("a", "b"): 1, ("b", "a"): 1, ("c", "a"): 2, ("d", "a"): 1}, 200)
    assert {m: rows[("", m)]["pagerank"] for m in plain} == pytest.approx(plain, abs=1e-12)

    overall = {m: rows[("", m)] for m in "abcd"}
    assert [overall[m]["rank"] for m in "abcd"] == [1, 2, 3, 3]
    assert [overall[m]["in_degree_weighted"] for m in "abcd"] == [4.0, 1.0, 0.0, 0.0]
    assert [overall[m]["out_degree_weighted"] for m in "abcd"] == [1.0, 1.0, 2.0, 1.0]
    assert [overall[m]["followers"] for m in "abcd"] == [100, 5000, None, 30]  # d: max(10, 30) of two accounts
    assert [(overall[m]["display_name"], overall[m]["handle"]) for m in "abcd"] == [
        ("Ann", "ann"), ("Bob", "bob"), ("Cy", "cy"), ("Dee", "dee")]
    # posts: a t1 t2 y2; b y1 t3 t4 (t4 French); c t5 (the retweet r1 is not c's words); d m1 (via d2)
    # a: t2's latest enrichment (0.3, not the superseded -0.9): (0.5 + 0.3 + 0.4) / 3 = 0.4; b: (-0.6 - 0.4) / 2
    assert [(overall[m]["posts_on_topic"], overall[m]["posts_with_sentiment"]) for m in "abcd"] == [
        (3, 3), (3, 2), (1, 1), (1, 1)]
    assert overall["a"]["mean_sentiment"] == pytest.approx(0.4)
    assert overall["b"]["mean_sentiment"] == pytest.approx(-0.5)
    # pagerank percentiles (c, d tied lowest): a 1, b 2/3, c d 0; reach among known d 30, a 100, b 5000: 0, 0.5, 1
    # influence = 0.75 pr + 0.25 reach: a 0.75 + 0.125 = 0.875, b 0.5 + 0.25 = 0.75, c (reach unknown) 0, d 0
    assert [overall[m]["influence_score"] for m in "abcd"] == pytest.approx([0.875, 0.75, 0.0, 0.0])
    # influential from 0.7: a (0.4 >= 0.2, 3 posts) advocate, b (-0.5 <= -0.2, 2 posts) detractor
    assert [overall[m]["label"] for m in "abcd"] == ["advocate", "detractor", "neutral", "neutral"]

    # pricing: a pr 1, reach 0 (100 < 5000): 0.75, influential; one post on pricing (t1) < 2: no lean
    assert rows[("pricing", "a")]["posts_on_topic"] == 1
    assert rows[("pricing", "a")]["influence_score"] == pytest.approx(0.75)
    assert [rows[("pricing", m)]["label"] for m in "abc"] == ["influencer", "neutral", "neutral"]
    # support: a has no post on it (influencer without a lean); b wrote y1
    assert (rows[("support", "a")]["posts_on_topic"], rows[("support", "a")]["label"]) == (0, "influencer")
    assert rows[("support", "b")]["posts_on_topic"] == 1


def test_weights_and_damping_come_from_settings(hand_warehouse):
    _hand_community(hand_warehouse)
    # retweets weigh nothing, down votes count, and PageRank runs a single step from uniform (1/4 each)
    hand_warehouse.write_config("[marts.influence]\niterations = 1\ndamping = 0.5\n"
                                "[marts.influence.weights]\nretweet = 0\ndownvote = 1\n")
    hand_warehouse.refresh()
    assert hand_warehouse.rows("select from_member_id, to_member_id, weight from int_influence_edges "
                               "where topic = '' order by all") == [
        ("a", "b", 1.0), ("b", "a", 1.0), ("c", "b", 1.0), ("d", "a", 1.0)]
    ranks = dict(hand_warehouse.rows("select member_id, pagerank from mart_influencers where topic = ''"))
    # one step: base 0.5 / 4 = 0.125; a gets 0.5 (b 1/4 + d 1/4) = 0.25, b gets 0.5 (a 1/4 + c 1/4) = 0.25
    assert ranks == pytest.approx({"a": 0.375, "b": 0.375, "c": 0.125, "d": 0.125})


@pytest.mark.parametrize("toml, message", [
    ("damping = 1.0", "damping"),
    ("iterations = 0", "iterations"),
    ("sentiment_threshold = 0", "sentiment_threshold"),
    ("reach_weight = 1.5", "reach_weight"),
    ("dampening = 0.8", "unknown key"),
    ("[marts.influence.weights]\nreply = -1", "weights.reply"),
])
def test_bad_settings_say_what_to_do(toml, message):
    import tomllib

    section = tomllib.loads("[marts.influence]\n" + toml)["marts"]["influence"]
    with pytest.raises(ConfigError, match=message):
        influence.tables(section, "townsquare.toml [marts.influence]")


def test_x_sample_pagerank_matches_plain_power_iteration(analytics_db):
    """Edges read straight from interactions and members, weighted and iterated in Python."""
    people = {m: (person, bot) for m, person, bot in analytics_db.execute(
        "select member_id, person_id, is_bot from members where community_id = 'x_sample'").fetchall()}
    edges: dict[tuple[str, str], float] = defaultdict(float)
    for kind, vote_type, source, target in analytics_db.execute(
            "select kind, vote_type, from_member_id, to_member_id from interactions "
            "where community_id = 'x_sample'").fetchall():
        weight = influence.DEFAULT_WEIGHTS.get(vote_type if kind == "vote" else kind, 0.0)
        if not weight or source not in people or target not in people:
            continue
        (source, source_bot), (target, target_bot) = people[source], people[target]
        if source != target and not source_bot and not target_bot:
            edges[(source, target)] += weight
    expected = power_iteration(edges, influence.DEFAULTS["iterations"], influence.DEFAULTS["damping"])

    rows = analytics_db.execute("select member_id, pagerank, rank, in_degree_weighted, followers from mart_influencers "
                                "where community_id = 'x_sample' and topic = ''").fetchall()
    assert len(expected) > 500 and len(rows) == len(expected)
    got = {m: pr for m, pr, *_ in rows}
    assert got == pytest.approx(expected, abs=1e-12)
    assert sum(got.values()) == pytest.approx(1, abs=1e-12)
    in_weight = defaultdict(float)
    for (_, target), weight in edges.items():
        in_weight[target] += weight
    assert {m: w for m, _, _, w, _ in rows} == {m: in_weight.get(m, 0.0) for m in expected}
    # rank 1 is the largest PageRank; ranks never decrease as PageRank does
    by_rank = sorted(rows, key=lambda r: r[2])
    assert by_rank[0][0] == max(expected, key=expected.get)
    assert all(a[1] >= b[1] - 1e-12 for a, b in zip(by_rank, by_rank[1:]))
    followers = dict(analytics_db.execute("select person_id, max(followers_count) from members "
                                          "where community_id = 'x_sample' group by all").fetchall())
    assert {m: f for m, _, _, _, f in rows} == {m: followers[m] for m in expected}


def test_every_graph_sums_to_one(analytics_db):
    sums = analytics_db.execute("select community_id, topic, sum(pagerank), count(*) from mart_influencers "
                                "group by all").fetchall()
    assert {c for c, *_ in sums} >= {"cardano", "bicycles_meta", "x_sample", "acme"}
    assert all(total == pytest.approx(1, abs=1e-9) for _, _, total, _ in sums)
