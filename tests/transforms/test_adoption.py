"""Adoption marts: DAU/WAU/MAU and stickiness (mart_members_daily), first-contribution conversion
(mart_member_conversion) and retention cohorts (mart_retention_cohorts).

A hand-built community whose answers are worked out below, then the cardano dump checked against the
same definitions computed in plain Python straight from the XML (ElementTree)."""
from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

import pytest

D = dt.date
T = dt.datetime
AS_OF = T(2024, 3, 15)
H = "h/user/"


def _hand_community(hw) -> None:
    """Four persons (a has a forum and an X account), a bot, and this activity:
    a: question Jan 1; comment on b's answer Jan 5; tweet (X account) Jan 9; tag wiki Jan 20 (furniture,
       not activity); question Feb 15 and a comment on it (to self: not a reply to someone else)
    b: answer to a's question Jan 5; question Jan 9
    c: comment on b's question Feb 10
    d: joins Jan 20, never posts
    bot: joins Jan 1, comments Jan 6 (a bot: never counted)"""
    hw.add("sources", [{"source_key": "h/xsrc", "community_id": "h", "kind": "x", "channel": "social",
                        "namespace": "xsrc", "first_loaded_at": T(2024, 1, 1), "last_loaded_at": T(2024, 1, 1)}])
    hw.add("members", [
        {"member_id": H + "a", "community_id": "h", "joined_at": T(2024, 1, 1, 9)},
        {"member_id": H + "b", "community_id": "h", "joined_at": T(2024, 1, 3, 9)},
        {"member_id": H + "c", "community_id": "h", "joined_at": T(2024, 2, 10, 9)},
        {"member_id": H + "d", "community_id": "h", "joined_at": T(2024, 1, 20, 9)},
        {"member_id": H + "bot", "community_id": "h", "joined_at": T(2024, 1, 1, 9), "is_bot": True},
        # a's X account: the same person; on a social channel a join day is the first post (Jan 9)
        {"member_id": H + "a_x", "community_id": "h", "source": "xsrc", "person_id": H + "a"},
    ])

    def post(cid, kind, author, at, parent=None, thread=None, channel="forum"):
        return {"content_id": f"h/post/{cid}", "community_id": "h", "kind": kind, "author_member_id": H + author,
                "created_at": at, "parent_id": parent and f"h/post/{parent}",
                "thread_id": f"h/post/{thread or cid}", "channel": channel}

    hw.add("content", [
        post("q1", "question", "a", T(2024, 1, 1, 10)),
        post("a1", "answer", "b", T(2024, 1, 5, 8), "q1", "q1"),
        post("c1", "comment", "a", T(2024, 1, 5, 12), "a1", "q1"),
        post("cb", "comment", "bot", T(2024, 1, 6, 12), "q1", "q1"),
        post("q2", "question", "b", T(2024, 1, 9, 8)),
        post("t1", "tweet", "a_x", T(2024, 1, 9, 20), channel="social"),
        {**post("w1", "tag_wiki", "a", T(2024, 1, 20, 8)), "thread_id": None},
        post("c2", "comment", "c", T(2024, 2, 10, 11), "q2", "q2"),
        post("q3", "question", "a", T(2024, 2, 15, 8)),
        post("c3", "comment", "a", T(2024, 2, 15, 9), "q3", "q3"),
    ])

    def reply(kind, via, on, src, to, at):
        return {"interaction_id": f"h/{kind}/{via}", "community_id": "h", "source": "hand", "kind": kind,
                "from_member_id": H + src, "to_member_id": H + to, "content_id": f"h/post/{on}",
                "via_content_id": f"h/post/{via}", "occurred_at": at}

    hw.add("interactions", [
        reply("answer", "a1", "q1", "b", "a", T(2024, 1, 5, 8)),
        reply("comment", "c1", "a1", "a", "b", T(2024, 1, 5, 12)),
        reply("comment", "cb", "q1", "bot", "a", T(2024, 1, 6, 12)),
        reply("comment", "c2", "q2", "c", "b", T(2024, 2, 10, 11)),
        reply("comment", "c3", "q3", "a", "a", T(2024, 2, 15, 9)),
    ])


@pytest.fixture
def hand(hand_warehouse):
    _hand_community(hand_warehouse)
    hand_warehouse.refresh(as_of=AS_OF)
    return hand_warehouse


def _members_daily(hw) -> dict:
    return {r["day"]: r for r in hw.dicts("select * from mart_members_daily where community_id = 'h'")}


def test_dau_wau_mau_and_stickiness(hand):
    rows = _members_daily(hand)
    # Calendar: Jan 1 (a joins and posts) .. Feb 15 (a's last post): 31 + 15 = 46 days.
    assert min(rows) == D(2024, 1, 1) and max(rows) == D(2024, 2, 15) and len(rows) == 46
    # Active days: a Jan 1, 5, 9 (tweet from the X account), Feb 15; b Jan 5, 9; c Feb 10.
    expected = {  # day: (dau, wau, mau, stickiness)
        D(2024, 1, 1): (1, 1, 1, 1.0),    # a
        D(2024, 1, 5): (2, 2, 2, 1.0),    # a, b (the bot's comment on Jan 6 never counts)
        D(2024, 1, 6): (0, 2, 2, 0.0),    # week Dec 31..Jan 6: a, b
        D(2024, 1, 9): (2, 2, 2, 1.0),    # a (tweet) and b: two accounts of a are one person
        D(2024, 1, 12): (0, 2, 2, 0.0),   # week Jan 6..12: a, b on Jan 9
        D(2024, 1, 16): (0, 0, 2, 0.0),   # week Jan 10..16: nobody; 30 days Dec 18..Jan 16: a, b
        D(2024, 1, 20): (0, 0, 2, 0.0),   # a's tag wiki is furniture, not activity
        D(2024, 2, 7): (0, 0, 2, 0.0),    # 30 days Jan 9..Feb 7: a and b, both active on Jan 9
        D(2024, 2, 8): (0, 0, 0, 0.0),    # 30 days Jan 10..Feb 8: nobody
        D(2024, 2, 10): (1, 1, 1, 1.0),   # c
        D(2024, 2, 15): (1, 2, 2, 0.5),   # a; week Feb 9..15: c, a; 30 days Jan 17..Feb 15: c, a
    }
    assert {d: (rows[d]["dau"], rows[d]["wau"], rows[d]["mau"], rows[d]["stickiness"]) for d in expected} == expected
    assert all(r["dau"] == r["active_members"] for r in rows.values())
    # Joins: a Jan 1, b Jan 3, d Jan 20, c Feb 10 (the bot never counts): 4 members by Feb 15.
    assert {d: r["members_joined"] for d, r in rows.items() if r["members_joined"]} == {
        D(2024, 1, 1): 1, D(2024, 1, 3): 1, D(2024, 1, 20): 1, D(2024, 2, 10): 1}
    assert rows[D(2024, 2, 15)]["members_total"] == 4


def test_first_contribution_conversion(hand):
    rows = hand.dicts("select * from mart_member_conversion where community_id = 'h' order by join_month")
    assert rows == [
        # January: a, b, d joined (3). First posts: a Jan 1 (0 days), b Jan 5 (2 days); d never posts.
        # First replies to someone else: b's answer to a Jan 5 (2 days), a's comment on b's answer Jan 5
        # (4 days; a's comment on a's own question does not count). Medians: (0+2)/2 = 1, (2+4)/2 = 3.
        {"community_id": "h", "join_month": D(2024, 1, 1), "joined": 3, "first_posters": 2, "first_repliers": 2,
         "first_post_rate": 2 / 3, "first_reply_rate": 2 / 3, "reply_after_post_rate": 1.0,
         "median_days_to_first_post": 1.0, "median_days_to_first_reply": 3.0},
        # February: c joined Feb 10 and commented on b's question that day.
        {"community_id": "h", "join_month": D(2024, 2, 1), "joined": 1, "first_posters": 1, "first_repliers": 1,
         "first_post_rate": 1.0, "first_reply_rate": 1.0, "reply_after_post_rate": 1.0,
         "median_days_to_first_post": 0.0, "median_days_to_first_reply": 0.0},
    ]


def test_retention_cohorts(hand):
    rows = hand.rows("""select cohort_month, months_since_join, month, cohort_size, active_members, retention
                        from mart_retention_cohorts where community_id = 'h' order by all""")
    assert rows == [
        # January cohort a, b, d (3): January a, b -> 2/3; February a -> 1/3; March (as_of) nobody.
        (D(2024, 1, 1), 0, D(2024, 1, 1), 3, 2, 2 / 3),
        (D(2024, 1, 1), 1, D(2024, 2, 1), 3, 1, 1 / 3),
        (D(2024, 1, 1), 2, D(2024, 3, 1), 3, 0, 0.0),
        # February cohort c (1): February c -> 1; March nobody.
        (D(2024, 2, 1), 0, D(2024, 2, 1), 1, 1, 1.0),
        (D(2024, 2, 1), 1, D(2024, 3, 1), 1, 0, 0.0),
    ]


def test_incremental_refresh_after_a_late_answer_equals_a_full_rebuild(hand):
    # d (joined Jan 20) answers a's question q3 on Feb 20: the calendar grows by five days.
    hand.add("content", [{"content_id": "h/post/a3", "community_id": "h", "kind": "answer",
                          "author_member_id": H + "d", "created_at": T(2024, 2, 20, 8),
                          "parent_id": "h/post/q3", "thread_id": "h/post/q3"}])
    hand.add("interactions", [{"interaction_id": "h/answer/a3", "community_id": "h", "source": "hand",
                               "kind": "answer", "from_member_id": H + "d", "to_member_id": H + "a",
                               "content_id": "h/post/q3", "via_content_id": "h/post/a3",
                               "occurred_at": T(2024, 2, 20, 8)}])
    assert hand.refresh(as_of=AS_OF).mode == "incremental"
    marts = ("mart_members_daily", "mart_member_conversion", "mart_retention_cohorts", "int_adoption_active_days")
    incremental = {m: hand.rows(f"select * from {m} order by all") for m in marts}

    day = _members_daily(hand)[D(2024, 2, 20)]
    # Feb 20: d; week Feb 14..20: a (Feb 15), d; 30 days Jan 22..Feb 20: c, a, d.
    assert (day["dau"], day["wau"], day["mau"], day["stickiness"]) == (1, 2, 3, 1 / 3)
    january = hand.dicts("select * from mart_member_conversion where join_month = '2024-01-01'")[0]
    # d: 31 days from Jan 20 to Feb 20. Medians (0, 2, 31) -> 2 and (2, 4, 31) -> 4.
    assert (january["first_posters"], january["first_repliers"]) == (3, 3)
    assert (january["median_days_to_first_post"], january["median_days_to_first_reply"]) == (2.0, 4.0)
    [(retained,)] = hand.rows("select active_members from mart_retention_cohorts "
                              "where cohort_month = '2024-01-01' and months_since_join = 1")
    assert retained == 2  # a and d in February

    assert hand.refresh(as_of=AS_OF, full=True).mode == "full"
    assert {m: hand.rows(f"select * from {m} order by all") for m in marts} == incremental


# --- the cardano dump, from the XML --------------------------------------------------------------------

BOT = "-1"  # the Community user


def _day(timestamp: str) -> dt.date:
    return dt.datetime.fromisoformat(timestamp).date()


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


@pytest.fixture(scope="module")
def cardano(cardano_xml):
    """From the XML: join day per user, active days per user, and the days each replied to someone else.
    A reply to someone else: an answer to another user's question, a comment on another user's post; a
    post whose owner account was deleted is someone else's; the Community bot is nobody to reply to."""
    users = {u["Id"]: _day(u["CreationDate"]) for u in cardano_xml["Users"] if u["Id"] != BOT}
    posts = {p["Id"]: p for p in cardano_xml["Posts"]}
    active, replied = defaultdict(set), defaultdict(set)

    def record(author, when, recipient):
        if author in users:
            active[author].add(_day(when))
            if recipient != author and recipient != BOT:
                replied[author].add(_day(when))

    for p in posts.values():
        if p["PostTypeId"] == "1":
            record(p.get("OwnerUserId"), p["CreationDate"], p.get("OwnerUserId"))  # a question replies to no one
        elif p["PostTypeId"] == "2":
            record(p.get("OwnerUserId"), p["CreationDate"], posts.get(p["ParentId"], {}).get("OwnerUserId"))
    for c in cardano_xml["Comments"]:
        record(c.get("UserId"), c["CreationDate"], posts.get(c["PostId"], {}).get("OwnerUserId"))
    return {"joined": users, "active": active, "replied": replied}


def test_cardano_dau_wau_mau(cardano_db, cardano):
    rows = cardano_db.execute("select day, dau, wau, mau, stickiness from mart_members_daily "
                              "where community_id = 'cardano' order by day").fetchall()
    assert len(rows) == 222
    for day, dau, wau, mau, stickiness in rows:
        def within(days):
            first = day - dt.timedelta(days - 1)
            return sum(1 for ds in cardano["active"].values() if any(first <= d <= day for d in ds))
        assert (dau, wau, mau) == (within(1), within(7), within(30)), day
        assert stickiness == pytest.approx(dau / mau if mau else 0.0)
    peak = max(rows, key=lambda r: r[3])
    assert 100 < peak[3] < 1000  # a real community: a few hundred monthly actives at its peak


def test_cardano_conversion(cardano_db, cardano):
    cohorts = defaultdict(list)
    for user, joined in cardano["joined"].items():
        cohorts[_month(joined)].append(user)
    expected = {}
    for month, members in cohorts.items():
        to_post = [(min(cardano["active"][u]) - cardano["joined"][u]).days for u in members if cardano["active"][u]]
        to_reply = [(min(cardano["replied"][u]) - cardano["joined"][u]).days for u in members if cardano["replied"][u]]
        expected[month] = (len(members), len(to_post), len(to_reply),
                           statistics.median(max(d, 0) for d in to_post) if to_post else None,
                           statistics.median(max(d, 0) for d in to_reply) if to_reply else None)
    rows = cardano_db.execute("""select join_month, joined, first_posters, first_repliers, median_days_to_first_post,
                                        median_days_to_first_reply
                                 from mart_member_conversion where community_id = 'cardano'""").fetchall()
    assert {r[0]: tuple(r[1:]) for r in rows} == expected
    assert sum(e[0] for e in expected.values()) == 3987


def test_cardano_retention_cohorts(cardano_db, cardano):
    [(as_of,)] = cardano_db.execute("select as_of from refresh_runs order by refreshed_at desc limit 1").fetchall()
    last = _month(as_of.date())
    cohorts = defaultdict(list)
    for user, joined in cardano["joined"].items():
        cohorts[_month(joined)].append(user)
    expected = {}
    for cohort, members in cohorts.items():
        k, month = 0, cohort
        while month <= last:
            active = sum(1 for u in members if any(_month(d) == month for d in cardano["active"][u]))
            expected[(cohort, k)] = (len(members), active)
            k, month = k + 1, (month + dt.timedelta(days=32)).replace(day=1)
    rows = cardano_db.execute("""select cohort_month, months_since_join, cohort_size, active_members, retention
                                 from mart_retention_cohorts where community_id = 'cardano'""").fetchall()
    assert {(c, k): (n, a) for c, k, n, a, _ in rows} == expected
    assert all(r == pytest.approx(a / n) for *_, n, a, r in rows)
    # The April 2021 cohort (the site's launch) keeps some members active into its second month.
    assert expected[(D(2021, 4, 1), 1)][1] > 0
