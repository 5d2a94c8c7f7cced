"""mart_alerts: hand-built communities whose alerts are worked out by hand (a volume spike, a flat week
then a jump, a negative-sentiment spike, a health-index drop, a customer turning red, and a steady
community with none), the settings, then the real data refreshed just after cardano's busiest day against
a Python recomputation of the 24-hour windows from content, members and enrichments."""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import shutil
import statistics
from collections import defaultdict

import duckdb
import pytest

from transforms.parameters import alerts
from warehouse.settings import ConfigError

T = dt.datetime
DAY = dt.timedelta(days=1)
AS_OF = T(2025, 3, 10, 12)  # noon: the 24-hour windows do not follow calendar days


def _in_window(n: int, count: int) -> list[dt.datetime]:
    """`count` times in window n = (AS_OF − (n+1) days, AS_OF − n days], the first exactly at its end."""
    end = AS_OF - n * DAY
    return [end - dt.timedelta(minutes=10 * i) for i in range(count)]


def _post(cid, community, kind, channel, author, at, **extra):
    return {"content_id": cid, "community_id": community, "kind": kind, "channel": channel,
            "author_member_id": author, "created_at": at, "body_text": cid, **extra}


def _enrichment(cid, community, text_hash, label, language="en"):
    score = {"negative": -0.6, "positive": 0.5, None: None}[label]
    return {"content_id": cid, "community_id": community, "text_hash": text_hash, "pipeline_version": "v1",
            "language": language, "sentiment": score, "sentiment_label": label, "enriched_at": T(2025, 3, 11)}


HEALTH_ON_ONE_PERIOD = "[marts.health]\nminimum_history = 1\n"


@pytest.fixture
def communities(hand_warehouse):
    hw = hand_warehouse
    hw.add("members", [
        {"member_id": "h/u1", "community_id": "h"},
        {"member_id": "h/bot", "community_id": "h", "is_bot": True},
        {"member_id": "h/agent", "community_id": "h", "is_staff": True},
        {"member_id": "h/c1", "community_id": "h", "display_name": "Cleo"},
        {"member_id": "h/c2", "community_id": "h", "display_name": "Dara"},
        {"member_id": "q/u1", "community_id": "q"},
        {"member_id": "g/u1", "community_id": "g", "joined_at": T(2025, 2, 1)},
        {"member_id": "g/u2", "community_id": "g", "joined_at": T(2025, 2, 1)},
        {"member_id": "g/u3", "community_id": "g", "joined_at": T(2025, 3, 5)},  # joins, never posts
    ])

    # h social: windows 0..7 hold 20, 4, 6, 5, 5, 4, 6, 5 posts by a member. Left out: 30 posts by a bot
    # and one by staff in window 0, and one a minute after as_of.
    posts = []
    for n, count in enumerate([20, 4, 6, 5, 5, 4, 6, 5]):
        posts += [_post(f"h/s{n}-{i}", "h", "post", "social", "h/u1", at) for i, at in enumerate(_in_window(n, count))]
    posts += [_post(f"h/bot{i}", "h", "post", "social", "h/bot", at) for i, at in enumerate(_in_window(0, 30))]
    posts += [_post("h/staff", "h", "post", "social", "h/agent", AS_OF - dt.timedelta(hours=1)),
              _post("h/late", "h", "post", "social", "h/u1", AS_OF + dt.timedelta(minutes=1))]
    # h forum: 10 questions in each of windows 1..7, of which 1, 2, 1, 0, 1, 2, 1 negative; window 0: 16
    # scored questions, 8 of them negative, and one in German (volume, not sentiment).
    forum, labels = [], {}
    for n, (count, negative) in enumerate([(16, 8), (10, 1), (10, 2), (10, 1), (10, 0), (10, 1), (10, 2), (10, 1)]):
        for i, at in enumerate(_in_window(n, count)):
            forum.append(_post(f"h/f{n}-{i}", "h", "question", "forum", "h/u1", at))
            labels[f"h/f{n}-{i}"] = "negative" if i < negative else "positive"
    forum.append(_post("h/f0-de", "h", "question", "forum", "h/u1", AS_OF - dt.timedelta(hours=5)))

    # q: steady social volume, 25 in the last 24 h against 20, 24, 22, 18, 20, 22, 21; forum 3 after a silent week.
    steady = []
    for n, count in enumerate([25, 20, 24, 22, 18, 20, 22, 21]):
        steady += [_post(f"q/s{n}-{i}", "q", "post", "social", "q/u1", at) for i, at in enumerate(_in_window(n, count))]
    steady += [_post(f"q/f{i}", "q", "question", "forum", "q/u1", at) for i, at in enumerate(_in_window(0, 3))]

    # g, for its health index: every day from 1 Feb to 10 March a question at 10:00 by u1. In February u2
    # answers it at 11:00; in March only the next day at 11:00 (25 h later; 10 March's stays unanswered).
    health = []
    day = T(2025, 2, 1)
    while day <= T(2025, 3, 10):
        q = f"g/q{day:%m%d}"
        health.append(_post(q, "g", "question", "forum", "g/u1", day + dt.timedelta(hours=10), thread_id=q))
        answered = day + dt.timedelta(hours=11) if day.month == 2 else day + dt.timedelta(days=1, hours=11)
        if answered <= AS_OF:
            health.append(_post(f"g/a{day:%m%d}", "g", "answer", "forum", "g/u2", answered, thread_id=q, parent_id=q))
        day += DAY

    hw.add("content", posts + forum + steady + health)
    hashes = dict(hw.rows("select content_id, text_hash from content where community_id = 'h'"))
    hw.add("enrichments", [_enrichment(cid, "h", hashes[cid], label) for cid, label in labels.items()]
           + [_enrichment("h/f0-de", "h", hashes["h/f0-de"], None, language="de")])

    # h's help desk: Cleo's only ticket (25 Feb) is rated bad; Dara's were rated bad in both windows.
    def ticket(number, requester, created):
        return {"ticket_id": f"h/zd/ticket/{number}", "community_id": "h", "source": "zd",
                "source_record_id": str(number), "requester_member_id": requester, "status": "solved",
                "created_at": created, "solved_at": created + DAY, "satisfaction": "bad"}
    hw.add("tickets", [ticket(1, "h/c1", T(2025, 2, 25)), ticket(2, "h/c2", T(2025, 1, 5)),
                       ticket(3, "h/c2", T(2025, 2, 20))])
    # g has two months: its March is scored against February alone (the default waits for 3 periods)
    hw.write_config(HEALTH_ON_ONE_PERIOD)
    return hw


COLUMNS = """kind, community_id, subject, severity, window_start, window_end, value, baseline_mean, baseline_sd,
             threshold, evidence"""


def _alerts(hw):
    return {(r[0], r[1], r[2]): r[3:] for r in hw.rows(f"select {COLUMNS} from mart_alerts")}


def test_alerts_worked_out_by_hand(communities):
    communities.refresh(as_of=AS_OF)
    got = _alerts(communities)
    assert set(got) == {("volume_spike", "h", "social"), ("volume_spike", "h", "forum"),
                        ("negative_sentiment_spike", "h", "forum"), ("health_index_drop", "g", "community"),
                        ("customer_red", "h", "h/c1")}  # q: steady, and 3 forum items are fewer than 10

    last_24h = (AS_OF - DAY, AS_OF)
    # h social: 20 against 4, 6, 5, 5, 4, 6, 5: mean 35 / 7 = 5, squares of deviations 1+1+0+0+1+1+0 = 4,
    # sd = sqrt(4 / 6) = 0.8165; threshold 5 + 3 × 0.8165 = 7.449; 20 − 5 = 15 ≥ 2 × 2.449: high
    sd = math.sqrt(4 / 6)
    assert got[("volume_spike", "h", "social")] == (
        "high", *last_24h, 20.0, 5.0, pytest.approx(sd), pytest.approx(5 + 3 * sd),
        "20 items in the last 24 h on social, against 5.0 ± 0.8 a day over the previous 7 days "
        "(threshold 7.4 = mean + 3 sd)")
    # h forum: 17 (16 + the German one) against 10 every day: sd 0, threshold 10 × 1.5 = 15; 17 − 10 = 7 < 2 × 5: medium
    assert got[("volume_spike", "h", "forum")] == (
        "medium", *last_24h, 17.0, 10.0, 0.0, 15.0,
        "17 items in the last 24 h on forum, against 10.0 ± 0.0 a day over the previous 7 days "
        "(threshold 15.0 = mean + 50%, as the previous days did not vary)")
    # negative share 8 / 16 = 0.5 against .1 .2 .1 0 .1 .2 .1: mean 0.8 / 7 = 0.1143; sum of squares
    # 0.12 − 7 × 0.1143² = 0.02857, sd = sqrt(0.02857 / 6) = 0.0690; threshold max(0.1143 + 3 × 0.0690,
    # 0.1143 + 0.1) = 0.3213; 0.5 − 0.1143 = 0.3857 < 2 × 0.2070: medium
    mean, sd = 0.8 / 7, math.sqrt((0.12 - 7 * (0.8 / 7) ** 2) / 6)
    assert got[("negative_sentiment_spike", "h", "forum")] == (
        "medium", *last_24h, 0.5, pytest.approx(mean), pytest.approx(sd), pytest.approx(mean + 3 * sd),
        "8 of 16 scored items negative (50.0%) in the last 24 h on forum, against 11.4% ± 6.9% over the previous "
        "7 days (7 days with scored items; threshold 32.1%)")
    # g, month of March (10 days) against February, its only earlier month (all scores 0.5: 500). March:
    # growth 1 join / 10 days > 2 / 28: 1; content 19 items / 10 days < 2 a day, traffic 1.9 < 2 active a day,
    # interaction 1.9 < 2 persons a thread, liveliness (1 item on 1 March, 2 the other days) < perfectly
    # even, responsiveness 0 of 9 answered within 24 h < 28 of 28: 0 each. (1 + 5 × 0) / 6 × 1000 = 166.7,
    # change −333.3 ≤ −100; threshold 500 − 100 = 400; a drop of 333.3 ≥ 2 × 100: high. Growth rose: not listed.
    assert got[("health_index_drop", "g", "community")] == (
        "high", T(2025, 3, 1), AS_OF, 166.7, 500.0, None, 400.0,
        "Health index 166.7 for the month starting 2025-03-01, down 333.3 from 500.0 the month before "
        "(alert at a drop of 100); fell most: content 0.50 → 0.00, interaction 0.50 → 0.00, liveliness 0.50 → 0.00")
    # Cleo: satisfaction 0 of 1 < 50% in the 60 days to as_of, nothing before. Dara was red before too: no alert.
    assert got[("customer_red", "h", "h/c1")] == (
        "high", AS_OF - 60 * DAY, AS_OF, None, None, None, None,
        "Cleo turned red (no tickets or messages in the 60 days before): satisfaction 0% is below 50%")

    ids = dict(((r[0], r[1]), r[2]) for r in communities.rows("select kind, subject, alert_id from mart_alerts"))
    assert ids[("customer_red", "h/c1")] == hashlib.md5(b"customer_red|h|h/c1|2025-03-10T12:00:00.000000").hexdigest()
    assert communities.rows("select distinct detected_at from mart_alerts") == [(AS_OF,)]

    # the header's key, ranges and checks hold for every kind
    from transforms.checks import mart_suites
    from warehouse import quality
    con = duckdb.connect(str(communities.home / "warehouse.duckdb"), read_only=True)
    try:
        outcomes = quality.validate(con, [s for s in mart_suites() if s.table == "mart_alerts"])
    finally:
        con.close()
    assert len(outcomes) == 10 and all(o.success and o.rows == 5 for o in outcomes), outcomes


def test_the_same_as_of_gives_the_same_alerts(communities):
    communities.refresh(as_of=AS_OF)
    first = communities.rows("select * from mart_alerts order by alert_id")
    communities.refresh(as_of=AS_OF, full=True)
    assert communities.rows("select * from mart_alerts order by alert_id") == first
    # a day later the spikes have become the baseline's first day: h social's 20 now sits among the 7 days
    communities.refresh(as_of=AS_OF + DAY)
    assert not communities.rows("select 1 from mart_alerts where kind = 'volume_spike' and community_id = 'h'")


def test_thresholds_from_settings(communities):
    communities.write_config(HEALTH_ON_ONE_PERIOD + "[marts.alerts]\nvolume_min_items = 3\nvolume_threshold_sd = 1\n"
                             "negative_min_jump = 0.4\nhealth_drop_points = 400\n")
    communities.refresh(as_of=AS_OF)
    got = {k: v[0] for k, v in _alerts(communities).items()}
    assert got == {
        # q social: 21 + 1 × sqrt(22 / 6) = 22.91 < 25; 25 − 21 = 4 ≥ 2 × 1.91: high
        ("volume_spike", "q", "social"): "high",
        # q forum: 3 ≥ 3 items against a silent week (mean 0, threshold 0): high
        ("volume_spike", "q", "forum"): "high",
        ("volume_spike", "h", "social"): "high",
        ("volume_spike", "h", "forum"): "medium",
        # negative: 0.5 < 0.1143 + 0.4; health: a drop of 333.3 < 400
        ("customer_red", "h", "h/c1"): "high",
    }


@pytest.mark.parametrize("section, message", [
    ({"volume_threshold_sd": -1}, "volume_threshold_sd must be a number of standard deviations"),
    ({"volume_min_items": 2.5}, "volume_min_items must be a whole number"),
    ({"negative_min_jump": 1.5}, "negative_min_jump must be a share between 0 and 1"),
    ({"health_drop_points": 0}, "health_drop_points must be"),
    ({"health_period": "year"}, "health_period must be"),
    ({"volume_threshold": 3}, "unknown key"),
    ({"negative_min_scored": True}, "negative_min_scored must be"),
])
def test_bad_settings_say_what_to_do(section, message):
    with pytest.raises(ConfigError, match=message):
        alerts.tables(section, "townsquare.toml [marts.alerts]")


def test_defaults():
    [row] = alerts.tables({}, "t")["param_alerts"].to_pylist()
    assert row == {"volume_threshold_sd": 3.0, "volume_min_items": 10, "volume_flat_margin": 0.5,
                   "negative_threshold_sd": 3.0, "negative_min_scored": 10, "negative_min_jump": 0.1,
                   "health_drop_points": 100.0, "health_period": "month"}


# --- real data: just after cardano's busiest day, recomputed in Python --------------------------------

FURNITURE = {"tag_wiki", "tag_wiki_excerpt", "moderator_nomination", "ticket"}


def _expected_spikes(con, as_of: dt.datetime) -> dict:
    """Volume and negative spikes at as_of with the default settings, from the canonical tables."""
    people = {m: (bot, staff) for m, bot, staff in con.execute("select member_id, is_bot, is_staff from members").fetchall()}
    latest = {}
    for cid, text_hash, version, at, error, score, label in con.execute(
            "select content_id, text_hash, pipeline_version, enriched_at, error, sentiment, sentiment_label "
            "from enrichments").fetchall():
        if (cid, text_hash) not in latest or (at, version) > latest[(cid, text_hash)][0]:
            latest[(cid, text_hash)] = ((at, version), error, score, label)
    windows = defaultdict(lambda: [[0, 0, 0] for _ in range(8)])  # (community, channel) -> [items, scored, negative]
    for cid, community, channel, kind, author, created, text_hash in con.execute(
            "select content_id, community_id, channel, kind, author_member_id, created_at, text_hash from content "
            "where created_at between ? and ?", [as_of - 9 * DAY, as_of]).fetchall():
        bot, staff = people.get(author, (False, False))
        if kind in FURNITURE or bot or staff:
            continue
        for n in range(8):
            if as_of - (n + 1) * DAY < created <= as_of - n * DAY:
                counts = windows[(community, channel or "forum")][n]
                counts[0] += 1
                _, error, score, label = latest.get((cid, text_hash), (None, "none", None, None))
                if error is None and score is not None:
                    counts[1] += 1
                    counts[2] += label == "negative"
    expected = {}
    for (community, channel), w in windows.items():
        items = [c[0] for c in w]
        mean, sd = statistics.mean(items[1:]), statistics.stdev(items[1:])
        threshold = mean + 3 * sd if sd > 0 else mean * 1.5
        if items[0] >= 10 and items[0] > threshold:
            expected[("volume_spike", community, channel)] = (items[0], mean, sd, threshold)
        shares = [c[2] / c[1] for c in w[1:] if c[1]]
        if w[0][1] >= 10 and shares:
            share, mean = w[0][2] / w[0][1], statistics.mean(shares)
            sd = statistics.stdev(shares) if len(shares) > 1 else 0.0
            if share > mean + 3 * sd and share >= mean + 0.1:
                expected[("negative_sentiment_spike", community, channel)] = (share, mean, sd, max(mean + 3 * sd, mean + 0.1))
    return expected


def test_real_data_after_cardanos_busiest_day(analytics_home, tmp_path):
    from transforms.build import refresh_marts

    shutil.copy(analytics_home / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        # the UTC day on which cardano's members (not bots, not staff) wrote the most
        [(busiest, count)] = con.execute("""
            select c.created_at::date, count(*) from content c left join members m on m.member_id = c.author_member_id
            where c.community_id = 'cardano' and c.kind not in ('tag_wiki', 'tag_wiki_excerpt', 'moderator_nomination')
              and not coalesce(m.is_bot or m.is_staff, false)
            group by 1 order by 2 desc, 1 limit 1""").fetchall()
        # and the five days with the highest negative share among days with at least 10 scored items
        gloomiest = [day for (day,) in con.execute("""
            select day from int_listening_items where community_id = 'cardano' and sentiment_status = 'scored'
            group by day having count(*) >= 10
            order by avg((sentiment_label = 'negative')::int) desc, day limit 5""").fetchall()]
        seen = set()
        for as_of in [dt.datetime.combine(day, dt.time()) + DAY for day in [busiest, *gloomiest]] + [T(2025, 4, 30, 18)]:
            refresh_marts(con, as_of, config_path=analytics_home / "townsquare.toml")
            rows = {(k, c, s): (v, m, sd, t) for k, c, s, v, m, sd, t in con.execute(
                "select kind, community_id, subject, value, baseline_mean, baseline_sd, threshold from mart_alerts "
                "where kind in ('volume_spike', 'negative_sentiment_spike')").fetchall()}
            expected = _expected_spikes(con, as_of)
            assert set(rows) == set(expected), as_of
            seen |= {kind for kind, *_ in expected}
            for key, numbers in expected.items():
                assert rows[key] == pytest.approx(numbers), key
            if as_of.date() == busiest + DAY:
                # the busy day is window 0 exactly
                assert rows[("volume_spike", "cardano", "forum")][0] == count

            # health drops and red customers, picked from their marts' rows in Python
            health = defaultdict(list)
            for community, start, index in con.execute(
                    "select community_id, period_start, health_index from mart_health_index "
                    "where period_kind = 'month'").fetchall():
                if start < as_of.date():
                    health[community].append((start, index))
            drops = set()
            for community, periods in health.items():
                periods.sort()
                if len(periods) > 1 and periods[-1][1] - periods[-2][1] <= -100:
                    drops.add(("health_index_drop", community, "community"))
            red = {("customer_red", c, who) for c, who, status, before in con.execute(
                "select community_id, customer_id, status, previous_status from mart_customer_health").fetchall()
                if status == "red" and before != "red"}
            got = {tuple(r) for r in con.execute("select kind, community_id, subject from mart_alerts "
                                                 "where kind in ('health_index_drop', 'customer_red')").fetchall()}
            assert got == drops | red, as_of
        assert red  # acme's help desks, late April 2025: some customers turned red
        assert seen == {"volume_spike", "negative_sentiment_spike"}  # the comparison met both kinds
    finally:
        con.close()
