"""mart_health_index: a hand-built pair of communities worked out by hand, the settings' validation, then
cardano's months recomputed from the Stack Exchange XML (ElementTree rows) in plain Python."""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict

import pytest

from transforms.parameters import health
from warehouse.settings import ConfigError

T = dt.datetime


def _post(cid, community, kind, author, at, thread, parent=None, **extra):
    return {"content_id": cid, "community_id": community, "kind": kind, "author_member_id": author,
            "created_at": at, "thread_id": thread, "parent_id": parent, **extra}


@pytest.fixture
def two_communities(hand_warehouse):
    hw = hand_warehouse
    hw.add("members", [
        {"member_id": "c1/a", "community_id": "c1", "joined_at": T(2024, 1, 1)},
        {"member_id": "c1/b", "community_id": "c1", "joined_at": T(2024, 1, 1)},
        {"member_id": "c1/c", "community_id": "c1", "joined_at": T(2024, 2, 10)},
        {"member_id": "c1/bot", "community_id": "c1", "joined_at": T(2024, 1, 1), "is_bot": True},
        {"member_id": "c2/z", "community_id": "c2", "joined_at": T(2024, 1, 1)},
        {"member_id": "c2/y", "community_id": "c2", "joined_at": T(2024, 2, 3)},
    ])
    hw.add("content", [
        # c1, January: q1 (0 views) answered by b 10 h later
        _post("c1/q1", "c1", "question", "c1/a", T(2024, 1, 1, 10), "c1/q1", views=0),
        _post("c1/a1", "c1", "answer", "c1/b", T(2024, 1, 1, 20), "c1/q1", "c1/q1"),
        # c1, February: q2 (1 view): a bot's comment (no response), a's answer after 48 h; q3 never answered
        _post("c1/q2", "c1", "question", "c1/c", T(2024, 2, 10, 9), "c1/q2", views=1),
        _post("c1/k1", "c1", "comment", "c1/bot", T(2024, 2, 10, 10), "c1/q2", "c1/q2"),
        _post("c1/a2", "c1", "answer", "c1/a", T(2024, 2, 12, 9), "c1/q2", "c1/q2"),
        _post("c1/q3", "c1", "question", "c1/b", T(2024, 2, 20, 12), "c1/q3", views=0),
        # c1, March (the calendar ends on the 5th): q4 answered by c after 1 h
        _post("c1/q4", "c1", "question", "c1/a", T(2024, 3, 5, 8), "c1/q4", views=0),
        _post("c1/a4", "c1", "answer", "c1/c", T(2024, 3, 5, 9), "c1/q4", "c1/q4"),
        # c2: an unanswered question in January; in February y joins and answers z within the hour
        _post("c2/q1", "c2", "question", "c2/z", T(2024, 1, 1, 12), "c2/q1"),
        _post("c2/q2", "c2", "question", "c2/z", T(2024, 2, 3, 10), "c2/q2"),
        _post("c2/a2", "c2", "answer", "c2/y", T(2024, 2, 3, 11), "c2/q2", "c2/q2"),
    ])
    hw.add("content_groups", [
        {"content_id": "c1/q1", "group_id": "c1/tag/g1", "community_id": "c1"},
        {"content_id": "c1/q2", "group_id": "c1/tag/g1", "community_id": "c1"},
        {"content_id": "c1/q3", "group_id": "c1/tag/g2", "community_id": "c1"},
        {"content_id": "c1/q4", "group_id": "c1/tag/g1", "community_id": "c1"},
    ])
    return hw


def _months(hw, community):
    return hw.dicts("""select * from mart_health_index where community_id = ? and period_kind = 'month'
                       order by period_start""", [community])


def test_a_young_community_stays_neutral_until_it_has_history(two_communities):
    # By default a factor needs 3 previous periods with a value before it is scored: c1 has 2 at most.
    two_communities.refresh(as_of=T(2024, 4, 1))
    assert [m["health_index"] for m in _months(two_communities, "c1")] == [500.0, 500.0, 500.0]


def test_factors_scores_and_index_by_hand(two_communities):
    # Scored against a single previous period, so the arithmetic below stays short.
    two_communities.write_config("[marts.health]\nminimum_history = 1\n")
    two_communities.refresh(as_of=T(2024, 4, 1))
    jan, feb, mar = _months(two_communities, "c1")
    assert [m["period_start"] for m in (jan, feb, mar)] == [dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)]
    assert [m["days_in_period"] for m in (jan, feb, mar)] == [31, 29, 5]  # the calendar ends on 5 March

    # raw measures: counts per calendar day of the period
    raw = lambda m: [m[f"{f}_raw"] for f in health.FACTORS]  # noqa: E731
    # Jan: 2 joined (the bot is no member) / 31; q1 (1 + ln 1) + a1 (1) = 2 / 31; a and b active on 1 Jan = 2 / 31;
    # q1 answered in 10 h: 1.0; q1 had a and b: 2; all content on one day and in one group: 0
    assert raw(jan) == pytest.approx([2 / 31, 2 / 31, 2 / 31, 1.0, 2.0, 0.0])
    # Feb: c joined: 1 / 29; q2 (1 + ln 2) + bot's comment + a2 + q3 = (4 + ln 2) / 29; c, a, b active one day
    # each = 3 / 29; q2 answered after 48 h (the bot's comment is no response), q3 never: 0 / 2;
    # q2 had c and a (not the bot), q3 had b: (2 + 1) / 2 = 1.5; liveliness: days 2, 1, 1 of 4 items over 29 days
    # -> entropy 1.5 ln 2 / ln 29, groups g1 3 items and g2 1 -> -(.75 ln .75 + .25 ln .25) / ln 2; their mean
    day_evenness = 1.5 * math.log(2) / math.log(29)
    group_evenness = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25)) / math.log(2)
    assert raw(feb) == pytest.approx([1 / 29, (4 + math.log(2)) / 29, 3 / 29, 0.0, 1.5,
                                      (day_evenness + group_evenness) / 2])
    # Mar (5 days): nobody joined; q4 + a4 = 2 / 5; a and c on the 5th = 2 / 5; q4 in 1 h; q4 had a and c;
    # one day, one group: 0
    assert raw(mar) == pytest.approx([0.0, 0.4, 0.4, 1.0, 2.0, 0.0])

    score = lambda m: [m[f"{f}_score"] for f in health.FACTORS]  # noqa: E731
    # Jan has no history: neutral 0.5 everywhere -> 500
    assert score(jan) == [0.5] * 6 and jan["health_index"] == 500.0 and jan["previous_health_index"] is None
    # Feb against Jan: growth lower 0, content higher 1, traffic higher 1, responsiveness lower 0,
    # interaction lower 0, liveliness higher 1 -> 3 / 6 -> 500
    assert score(feb) == [0.0, 1.0, 1.0, 0.0, 0.0, 1.0]
    assert (feb["health_index"], feb["previous_health_index"], feb["change"]) == (500.0, 500.0, 0.0)
    # Mar against Jan and Feb (ties count half): growth 0 below both 0; content, traffic above both 1;
    # responsiveness 1.0 vs [1.0, 0.0] -> (1 + .5) / 2 = .75; interaction 2 vs [2, 1.5] -> .75;
    # liveliness 0 vs [0, >0] -> .5 / 2 = .25. Index 1000 * 3.75 / 6 = 625
    assert score(mar) == [0.0, 1.0, 1.0, 0.75, 0.75, 0.25]
    assert (mar["health_index"], mar["previous_health_index"], mar["change"]) == (625.0, 500.0, 125.0)


def test_benchmark_among_communities_in_the_same_period(two_communities):
    two_communities.write_config("[marts.health]\nminimum_history = 1\n")
    two_communities.refresh(as_of=T(2024, 4, 1))
    jan, feb = _months(two_communities, "c2")
    # c2 Feb (calendar 1-3 Feb) against Jan: growth 1/3 > 1/31, content 2/3 > 1/31, traffic 2/3 > 1/31,
    # responsiveness 1 > 0, interaction 2 > 1: five 1s; liveliness: one busy day each month and no groups, 0 = 0: .5
    # -> 1000 * 5.5 / 6 = 916.7
    assert feb["liveliness_raw"] == 0.0 and feb["liveliness_score"] == 0.5
    assert feb["health_index"] == 916.7
    rows = two_communities.rows("""
        select community_id, period_start, benchmark_rank, benchmark_communities, benchmark_percentile
        from mart_health_index where period_kind = 'month' order by period_start, community_id""")
    assert rows == [
        ("c1", dt.date(2024, 1, 1), 1, 2, 0.0),   # 500 and 500: a tie
        ("c2", dt.date(2024, 1, 1), 1, 2, 0.0),
        ("c1", dt.date(2024, 2, 1), 2, 2, 0.0),   # 500 below c2's 916.7
        ("c2", dt.date(2024, 2, 1), 1, 2, 1.0),
        ("c1", dt.date(2024, 3, 1), 1, 1, None),  # alone in March: no percentile
    ]


def test_weights_and_history_from_settings(two_communities):
    two_communities.write_config("[marts.health]\nhistory_periods = 1\nminimum_history = 1\n"
                                 "[marts.health.weights]\ngrowth = 3\n")
    two_communities.refresh(as_of=T(2024, 4, 1))
    mar = _months(two_communities, "c1")[2]
    # Mar against Feb alone: growth 0 < 1/29: 0; content 1; traffic 1; responsiveness 1 > 0: 1; interaction
    # 2 > 1.5: 1; liveliness 0 < Feb's: 0. Weighted: (3*0 + 1 + 1 + 1 + 1 + 0) / 8 = 500
    assert [mar[f"{f}_score"] for f in health.FACTORS] == [0.0, 1.0, 1.0, 1.0, 1.0, 0.0]
    assert mar["health_index"] == 500.0


def test_weeks_are_there_too(two_communities):
    two_communities.refresh(as_of=T(2024, 4, 1))
    weeks = two_communities.rows("""select period_start, days_in_period from mart_health_index
                                    where community_id = 'c1' and period_kind = 'week' order by period_start""")
    # 1 Jan 2024 is a Monday; the calendar runs 1 Jan - 5 Mar: weeks of 1 Jan ... 4 Mar (1 Mar-5 Mar is 2 days)
    assert len(weeks) == 10 and weeks[0] == (dt.date(2024, 1, 1), 7) and weeks[-1] == (dt.date(2024, 3, 4), 2)


@pytest.mark.parametrize("section, message", [
    ({"weights": {"growth": 0, "content": 0, "traffic": 0, "responsiveness": 0, "interaction": 0,
                  "liveliness": 0}}, "at least one weight"),
    ({"weights": {"growth": -1}}, "cannot be negative"),
    ({"weights": {"happiness": 1}}, "unknown weight"),
    ({"history_periods": 0}, "history_periods"),
    ({"minimum_history": 13}, "minimum_history"),
    ({"response_hours": "soon"}, "response_hours must be a number"),
    ({"colour": "red"}, "unknown key"),
])
def test_bad_settings_say_what_to_do(section, message):
    with pytest.raises(ConfigError, match=message):
        health.tables(section, "townsquare.toml [marts.health]")


# --- cardano, every month, recomputed from the XML -----------------------------------------------------

BOT = "-1"


def _ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _percentile(value, history, minimum=3):
    history = [round(h, 9) for h in history if h is not None]
    if value is None or len(history) < minimum:
        return 0.5
    value = round(value, 9)
    return (sum(h < value for h in history) + 0.5 * sum(h == value for h in history)) / len(history)


def _evenness(counts, slots):
    total = sum(counts)
    if slots <= 1:
        return None
    return -sum(n / total * math.log(n / total) for n in counts if n) / math.log(slots)


def test_cardano_months_match_the_xml(analytics_db, cardano_xml):
    posts = cardano_xml["Posts"]
    questions = {p["Id"]: p for p in posts if p["PostTypeId"] == "1"}
    answers = {p["Id"]: p for p in posts if p["PostTypeId"] == "2"}
    users = {u["Id"] for u in cardano_xml["Users"] if u["Id"] != BOT}
    joined = Counter(_ts(u["CreationDate"]).date() for u in cardano_xml["Users"] if u["Id"] != BOT)

    def person(user_id):
        return user_id if user_id in users else None  # the bot and deleted accounts are nobody

    items = []  # (time, question id of the thread, author, views)
    replies = []  # (time, question id, author) of answers and comments: the candidate responses
    for q in questions.values():
        items.append((_ts(q["CreationDate"]), q["Id"], q.get("OwnerUserId"), q.get("ViewCount")))
    for a in answers.values():
        items.append((_ts(a["CreationDate"]), a.get("ParentId"), a.get("OwnerUserId"), a.get("ViewCount")))
        replies.append(items[-1][:3])
    for c in cardano_xml["Comments"]:
        post = questions.get(c["PostId"]) or answers.get(c["PostId"])
        thread = post["Id"] if post and post["PostTypeId"] == "1" else (post or {}).get("ParentId")
        items.append((_ts(c["CreationDate"]), thread, c.get("UserId"), None))
        replies.append(items[-1][:3])

    active = defaultdict(set)
    for at, _, author, _ in items:
        if person(author):
            active[at.date()].add(author)
    first = min(min(joined), min(active))
    last = max(max(joined), max(active))
    calendar = [first + dt.timedelta(n) for n in range((last - first).days + 1)]
    months = sorted({d.replace(day=1) for d in calendar})
    days_of = {m: [d for d in calendar if d.replace(day=1) == m] for m in months}

    by_month = defaultdict(list)
    for item in items:
        by_month[item[0].date().replace(day=1)].append(item)
    participants = defaultdict(set)
    for _, thread, author, _ in items:
        if person(author):
            participants[thread].add(author)
    replies_to = defaultdict(list)
    for reply in replies:
        replies_to[reply[1]].append(reply)
    tags = {qid: q["Tags"].strip("<>").split("><") if q.get("Tags") else [] for qid, q in questions.items()}

    raw = {}
    for m in months:
        n_days = len(days_of[m])
        month_items = by_month[m]
        growth = sum(joined[d] for d in days_of[m]) / n_days
        content = sum(1 + (math.log(1 + int(v)) if v is not None else 0) for *_, v in month_items) / n_days
        traffic = sum(len(active[d]) for d in days_of[m]) / n_days
        asked = [q for q in questions.values() if _ts(q["CreationDate"]).date().replace(day=1) == m]
        prompt = []
        for q in asked:
            at, asker = _ts(q["CreationDate"]), q.get("OwnerUserId")
            responses = [t for t, thread, author in replies_to[q["Id"]]
                         if t >= at and author != BOT
                         and (author is None or author != asker)]
            prompt.append(bool(responses) and (min(responses) - at).total_seconds() <= 24 * 3600)
        responsiveness = sum(prompt) / len(prompt) if prompt else None
        interaction = sum(len(participants[q["Id"]]) for q in asked) / len(asked) if asked else 0.0
        if not month_items:
            liveliness = 0.0
        else:
            per_day = Counter(t.date() for t, *_ in month_items)
            per_group = Counter(tag for _, thread, _, _ in month_items for tag in tags.get(thread, []))
            halves = [h for h in (_evenness(list(per_day.values()), n_days),
                                  (_evenness(list(per_group.values()), len(per_group)) or 0.0) if per_group else None)
                      if h is not None]
            liveliness = sum(halves) / len(halves) if halves else None
        raw[m] = [growth, content, traffic, responsiveness, interaction, liveliness]

    rows = analytics_db.execute("""
        select * from mart_health_index where community_id = 'cardano' and period_kind = 'month'
        order by period_start""").fetchall()
    names = [d[0] for d in analytics_db.description]
    rows = [dict(zip(names, r)) for r in rows]
    assert [r["period_start"] for r in rows] == months
    for i, (m, row) in enumerate(zip(months, rows)):
        assert row["days_in_period"] == len(days_of[m])
        assert [row[f"{f}_raw"] for f in health.FACTORS] == pytest.approx(raw[m], rel=1e-9, abs=1e-12), m
        history = months[max(0, i - 12):i]
        scores = [_percentile(raw[m][k], [raw[h][k] for h in history]) for k in range(6)]
        assert [row[f"{f}_score"] for f in health.FACTORS] == pytest.approx(scores), m
        assert row["health_index"] == pytest.approx(1000 * sum(scores) / 6, abs=0.05 + 1e-9)
    # a couple of months spelled out, so a reader sees what the index says about them
    sept = next(r for r in rows if r["period_start"] == dt.date(2021, 9, 1))
    assert sept["previous_health_index"] == rows[rows.index(sept) - 1]["health_index"]
