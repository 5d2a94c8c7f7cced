"""mart_customer_health: a hand-built help desk worked out by hand, the settings' validation, then the
synthetic 'acme' help desks against a Python recomputation from the tickets, messages and enrichments, and the
real TWCS support conversations against a recomputation from their CSV."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import shutil
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from tests.conftest import shared_data
from transforms.parameters import customer_health
from warehouse.settings import ConfigError

T = dt.datetime
H = "h"


def _ticket(number, requester, created, status, organization=None, **extra):
    return {"ticket_id": f"h/zd/ticket/{number}", "community_id": H, "source": "zd", "source_record_id": str(number),
            "requester_member_id": requester, "organization": organization, "status": status,
            "created_at": created, **extra}


def _message(cid, ticket, author, at, kind="ticket_message"):
    return {"content_id": cid, "community_id": H, "kind": kind, "author_member_id": author, "created_at": at,
            "thread_id": f"h/zd/ticket/{ticket}", "channel": "support", "body_text": cid}


@pytest.fixture
def desk(hand_warehouse):
    hw = hand_warehouse
    hw.add("members", [
        {"member_id": "h/agent", "community_id": H, "is_staff": True, "organization": "Brand", "joined_at": T(2024, 1, 1)},
        {"member_id": "h/u1", "community_id": H, "organization": "Acme Corp", "display_name": "Uma"},
        {"member_id": "h/u2", "community_id": H, "display_name": "Ugo"},
        {"member_id": "h/u3", "community_id": H, "display_name": "Ulla"},
        {"member_id": "h/u3x", "community_id": H, "person_id": "h/u3"},  # Ulla's second account
        {"member_id": "h/u4", "community_id": H},
    ])
    hw.add("tickets", [
        # Acme Corp: t0 in the previous window, solved after it ended; t1 solved; t2 and t3 open
        _ticket(0, "h/u1", T(2025, 1, 5), "solved", "Acme Corp", solved_at=T(2025, 2, 5), satisfaction="good"),
        _ticket(1, "h/u1", T(2025, 2, 1), "solved", "Acme Corp", solved_at=T(2025, 2, 2), satisfaction="good"),
        _ticket(2, "h/u1", T(2025, 2, 10), "open", "Acme Corp", satisfaction="bad"),
        _ticket(3, "h/u1", T(2025, 2, 20), "open", "Acme Corp", satisfaction="offered"),
        # Ugo writes to the brand (the staff's own organization: not a customer organization); closed, no solve time
        _ticket(4, "h/u2", T(2025, 2, 15), "closed", "Brand", updated_at=T(2025, 2, 16), satisfaction="bad"),
        # Ulla, from her second account, before both windows; still pending
        _ticket(5, "h/u3x", T(2024, 12, 1), "pending"),
        # u4: long solved, nothing in either window
        _ticket(6, "h/u4", T(2024, 10, 1), "solved", solved_at=T(2024, 10, 2)),
    ])
    hw.add("content", [
        _message("h/t1", 1, "h/u1", T(2025, 2, 1), kind="ticket"),  # the ticket row repeats its first message
        _message("h/m0", 0, "h/u1", T(2025, 1, 5)),
        _message("h/m1", 1, "h/u1", T(2025, 2, 1)),
        _message("h/m2", 1, "h/agent", T(2025, 2, 1, 2)),
        _message("h/m3", 2, "h/u1", T(2025, 2, 10)),
        _message("h/m4", 2, "h/u1", T(2025, 2, 11)),
        _message("h/m5", 3, "h/u1", T(2025, 2, 20)),
        _message("h/m6", 4, "h/u2", T(2025, 2, 15)),
        _message("h/m7", 4, "h/agent", T(2025, 2, 15, 1)),
        _message("h/m8", 5, "h/u3x", T(2025, 1, 10)),
        _message("h/m9", 6, "h/u4", T(2024, 10, 1)),
    ])
    hashes = dict(hw.rows("select content_id, text_hash from content"))

    def sentiment(cid, score, language="en", at=T(2025, 3, 1), text_hash=None, version="v1"):
        return {"content_id": cid, "text_hash": text_hash or hashes[cid], "pipeline_version": version,
                "community_id": H, "language": language, "sentiment": score, "enriched_at": at}

    hw.add("enrichments", [
        sentiment("h/t1", -1.0),                                   # the ticket row: not a message
        sentiment("h/m0", 0.4),
        sentiment("h/m1", -1.0, text_hash="edited-away"),         # an older text of m1
        sentiment("h/m1", 0.9, at=T(2025, 2, 2)),                 # superseded by a later pipeline's run
        sentiment("h/m1", 0.5, at=T(2025, 2, 3), version="v2"),
        sentiment("h/m2", 0.9),                                    # the agent's: not the customer's
        sentiment("h/m3", -0.6),
        sentiment("h/m4", -0.5),
        sentiment("h/m5", -0.9, language="de"),                    # not scored in German
        sentiment("h/m6", -0.9),
        sentiment("h/m8", 0.1, language="und"),
    ])
    hw.write_config("[marts.customer_health]\nwindow_days = 30\n")
    return hw


def _by_customer(hw):
    return {r["customer_id"]: r for r in hw.dicts("select * from mart_customer_health")}


def test_customers_windows_and_statuses_by_hand(desk):
    desk.refresh(as_of=T(2025, 3, 1))
    rows = _by_customer(desk)
    # windows of 30 days: current (30 Jan, 1 Mar], previous (31 Dec, 30 Jan]; u4 had nothing in either
    assert set(rows) == {"h/organization/Acme Corp", "h/u2", "h/u3"}

    acme = rows["h/organization/Acme Corp"]
    assert (acme["customer_kind"], acme["customer_name"]) == ("organization", "Acme Corp")
    assert (acme["window_start"], acme["window_end"]) == (T(2025, 1, 30), T(2025, 3, 1))
    # t1, t2, t3 created in the window; open on 1 Mar: t2, t3; messages m1 m2 | m3 m4 | m5 = 5 / 3 tickets;
    # rated: t1 good, t2 bad (t3 only offered): 1 / 2; the customer's own scored messages: m1 0.5 (latest run of
    # its current text), m3 -0.6, m4 -0.5 (m2 is the agent's, m5 German, the ticket row no message): -0.6 / 3 = -0.2
    assert (acme["tickets"], acme["open_tickets"], acme["messages"], acme["rated_tickets"]) == (3, 2, 5, 2)
    assert acme["messages_per_ticket"] == pytest.approx(5 / 3)
    assert acme["satisfaction"] == 0.5
    assert (acme["sentiment_messages"], acme["sentiment"]) == (3, pytest.approx(-0.2))
    # satisfaction 0.5 < 0.8 (not < 0.5) and sentiment -0.2 < -0.1 (not < -0.25): yellow
    assert acme["status"] == "yellow"
    assert acme["status_reason"] == "satisfaction 50% is below 80%; sentiment of their messages -0.20 is below -0.10"
    # previous window: t0 (open on 30 Jan, solved 5 Feb), one message 0.4, rated good: green -> worse
    assert (acme["previous_tickets"], acme["previous_open_tickets"], acme["previous_satisfaction"],
            acme["previous_sentiment"], acme["previous_status"], acme["status_change"]) == (
        1, 1, 1.0, pytest.approx(0.4), "green", "worse")

    ugo = rows["h/u2"]  # 'Brand' is the agent's organization, so the customer is Ugo himself
    assert (ugo["customer_kind"], ugo["customer_name"]) == ("person", "Ugo")
    # closed without a solve time: solved at its last update (16 Feb): not open. m6 + m7 = 2 messages;
    # satisfaction 0 / 1; sentiment -0.9: both red rules
    assert (ugo["tickets"], ugo["open_tickets"], ugo["messages_per_ticket"], ugo["satisfaction"]) == (1, 0, 2.0, 0.0)
    assert ugo["status"] == "red"
    assert ugo["status_reason"] == "satisfaction 0% is below 50%; sentiment of their messages -0.90 is below -0.25"
    assert (ugo["previous_status"], ugo["status_change"]) == (None, "new")

    ulla = rows["h/u3"]  # the person behind the second account
    # no ticket in either window but t5 open at both ends; her message of 10 Jan (undetermined language,
    # scored) falls in the previous window
    assert (ulla["tickets"], ulla["open_tickets"], ulla["messages_per_ticket"], ulla["sentiment"]) == (0, 1, None, None)
    assert (ulla["status"], ulla["status_reason"]) == ("green", "every measure within its thresholds")
    assert (ulla["previous_sentiment"], ulla["previous_status"], ulla["status_change"]) == (
        pytest.approx(0.1), "green", "same")


def test_thresholds_from_settings(desk):
    desk.write_config("[marts.customer_health]\nwindow_days = 30\n"
                      "[marts.customer_health.yellow]\nopen_tickets_at_least = 1\n"
                      "[marts.customer_health.red]\nopen_tickets_at_least = 2\nsatisfaction_below = 0.6\n")
    desk.refresh(as_of=T(2025, 3, 1))
    rows = _by_customer(desk)
    # Acme: satisfaction 0.5 < 0.6 and 2 open tickets: red on both; Ulla: 1 open ticket: yellow, and on 30 Jan
    # too (t5 was open then): same
    assert (rows["h/organization/Acme Corp"]["status"], rows["h/organization/Acme Corp"]["status_reason"]) == (
        "red", "satisfaction 50% is below 60%; open tickets 2 is at least 2")
    assert (rows["h/u3"]["status"], rows["h/u3"]["status_reason"], rows["h/u3"]["status_change"]) == (
        "yellow", "open tickets 1 is at least 1", "same")


@pytest.mark.parametrize("section, message", [
    ({"window_days": 0}, "window_days"),
    ({"yellow": {"satisfaction_below": 1.5}}, "between 0.0 and 1.0"),
    ({"red": {"open_tickets_at_least": 2}}, "at least as strict"),  # red 2 < yellow 3
    ({"red": {"mood_below": 1}}, "unknown key"),
    ({"green": {}}, "unknown key"),
    ({"yellow": {"sentiment_below": "sad"}}, "must be a number"),
])
def test_bad_settings_say_what_to_do(section, message):
    with pytest.raises(ConfigError, match=message):
        customer_health.tables(section, "townsquare.toml [marts.customer_health]")


# --- acme's help desks, recomputed in Python ---------------------------------------------------------

def _expected(db, as_of: dt.datetime, window_days: int = 60) -> dict:
    rules = {status: {key: (customer_health.RULES[key][1] if status == "yellow" else customer_health.RULES[key][2])
                      for key in customer_health.RULES} for status in ("yellow", "red")}
    members = {m: (p, staff, bot, org, name) for m, p, staff, bot, org, name in db.execute(
        "select member_id, person_id, is_staff, is_bot, organization, display_name from members "
        "where community_id = 'acme'").fetchall()}
    staff_orgs = {org for _, staff, _, org, _ in members.values() if staff and org}
    tickets = db.execute("""select ticket_id, requester_member_id, organization, status, created_at, updated_at,
                                   solved_at, satisfaction from tickets where community_id = 'acme'""").fetchall()
    latest = {}
    for cid, text_hash, version, at, language, score in db.execute(
            "select content_id, text_hash, pipeline_version, enriched_at, language, sentiment from enrichments "
            "where community_id = 'acme'").fetchall():
        if (cid, text_hash) not in latest or (at, version) > latest[(cid, text_hash)][0]:
            latest[(cid, text_hash)] = ((at, version), language, score)
    messages = defaultdict(list)  # ticket -> (time, author, sentiment or None)
    for cid, thread, author, at, text_hash in db.execute(
            "select content_id, thread_id, author_member_id, created_at, text_hash from content "
            "where community_id = 'acme' and kind = 'ticket_message'").fetchall():
        _, language, score = latest.get((cid, text_hash), (None, None, None))
        messages[thread].append((at, author, score if language in ("en", "und") else None))

    def customer(requester, organization):
        if organization and organization not in staff_orgs:
            return f"acme/organization/{organization}"
        return members[requester][0] if requester in members else requester

    windows = {"current": (as_of - dt.timedelta(window_days), as_of),
               "previous": (as_of - dt.timedelta(2 * window_days), as_of - dt.timedelta(window_days))}
    out = defaultdict(dict)
    for which, (start, end) in windows.items():
        acc = defaultdict(lambda: {"tickets": 0, "open": 0, "messages": 0, "rated": 0, "good": 0, "scores": [],
                                   "own": 0})
        for tid, requester, org, status, created, updated, solved, satisfaction in tickets:
            who = customer(requester, org)
            if who is None:
                continue
            a = acc[who]
            inside = start < created <= end
            resolved = (solved is not None and solved <= end) or (
                solved is None and status in ("solved", "closed") and (updated or created) <= end)
            a["open"] += created <= end and not resolved
            if inside:
                a["tickets"] += 1
                a["messages"] += sum(at <= end for at, _, _ in messages[tid])
                a["rated"] += satisfaction in ("good", "bad")
                a["good"] += satisfaction == "good"
            for at, author, score in messages[tid]:
                writer = members.get(author)
                if writer and not writer[1] and not writer[2] and start < at <= end:
                    a["own"] += 1
                    if score is not None:
                        a["scores"].append(score)
        for who, a in acc.items():
            m = {"tickets": a["tickets"], "open_tickets": a["open"],
                 "messages_per_ticket": a["messages"] / a["tickets"] if a["tickets"] else None,
                 "satisfaction": a["good"] / a["rated"] if a["rated"] else None,
                 "sentiment": sum(a["scores"]) / len(a["scores"]) if a["scores"] else None,
                 "active": bool(a["tickets"] or a["open"] or a["own"])}

            def broken(level):
                r = rules[level]
                return ((m["satisfaction"] is not None and m["satisfaction"] < r["satisfaction_below"])
                        or (m["sentiment"] is not None and m["sentiment"] < r["sentiment_below"])
                        or m["open_tickets"] >= r["open_tickets_at_least"]
                        or (m["messages_per_ticket"] is not None
                            and m["messages_per_ticket"] > r["messages_per_ticket_above"]))
            m["status"] = "red" if broken("red") else "yellow" if broken("yellow") else "green"
            out[who][which] = m
    return {who: w for who, w in out.items() if w["current"]["active"] or w["previous"]["active"]}


def _compare(rows, expected):
    assert {r[0] for r in rows} == set(expected)
    for who, tickets, open_tickets, per_ticket, satisfaction, sentiment, status, previous in rows:
        cur, prev = expected[who]["current"], expected[who]["previous"]
        assert (tickets, open_tickets, status) == (cur["tickets"], cur["open_tickets"], cur["status"]), who
        assert [per_ticket, satisfaction, sentiment] == pytest.approx(
            [cur["messages_per_ticket"], cur["satisfaction"], cur["sentiment"]]), who
        assert previous == (prev["status"] if prev["active"] else None), who


QUERY = """select customer_id, tickets, open_tickets, messages_per_ticket, satisfaction, sentiment, status,
                  previous_status from {table} where community_id = 'acme'"""


def test_acme_as_published(analytics_db):
    # as_of 2026-01-01, months after acme's last ticket: what remains is tickets still open
    expected = _expected(analytics_db, dt.datetime(2026, 1, 1))
    rows = analytics_db.execute(QUERY.format(table="mart_customer_health")).fetchall()
    _compare(rows, expected)
    assert rows and all(t == 0 for _, t, *_ in rows)


def test_acme_at_the_end_of_its_tickets(analytics_db):
    """The model run again with as_of inside acme's data (its last tickets are from late April 2025)."""
    from transforms import parameters

    as_of = dt.datetime(2025, 4, 30)
    parameters.install(analytics_db, as_of, Path("/nonexistent/townsquare.toml"))  # defaults; temp tables
    sql = (Path(__file__).parents[2] / "transforms/models/mart_customer_health.sql").read_text()
    analytics_db.execute(f"create temp table acme_health as {sql}")
    rows = analytics_db.execute(QUERY.format(table="acme_health")).fetchall()
    expected = _expected(analytics_db, as_of)
    _compare(rows, expected)
    statuses = {s for *_, s, _ in rows}
    assert len(rows) > 50 and {"green", "yellow", "red"} <= statuses  # a window with everything in it


# --- the real support conversations on X (TWCS sample), recomputed from the CSV --------------------

TWCS_CSV = shared_data("twcs_sample") / "sample.csv"


def _twcs_expected(as_of: dt.datetime, window_days: int = 60) -> dict:
    """customer_id -> (tickets, messages, open_tickets, status), from the CSV read with the csv module, by the
    rules of docs/connectors/twcs.md and docs/metrics.md (mart_customer_health), default thresholds."""
    with open(TWCS_CSV, encoding="utf-8", newline="") as f:
        tweets = {r["tweet_id"]: r for r in csv.DictReader(f)}
    for t in tweets.values():
        t["at"] = dt.datetime.strptime(t["created_at"], "%a %b %d %H:%M:%S %z %Y").astimezone(dt.UTC).replace(tzinfo=None)
        t["parent"] = t["in_response_to_tweet_id"] or None

    def root(tweet_id):  # a conversation starts at a tweet whose parent is not in the file
        while tweets[tweet_id]["parent"] in tweets:
            tweet_id = tweets[tweet_id]["parent"]
        return tweet_id

    conversations = defaultdict(list)
    for tweet_id, t in tweets.items():
        conversations[root(tweet_id)].append(t)
    brands = {t["author_id"] for t in tweets.values() if t["inbound"] == "False"}  # staff, organization = itself

    start = as_of - dt.timedelta(days=window_days)
    acc = defaultdict(lambda: {"tickets": 0, "messages": 0, "open": 0, "scores": []})
    for conversation in conversations.values():
        conversation.sort(key=lambda t: (t["at"], int(t["tweet_id"])))
        customers = [t for t in conversation if t["inbound"] == "True"]
        if not customers:
            continue  # no requester; its organization is a brand, so no customer either
        # The ticket's organization is always a brand (the first brand tweeting, else the first brand the
        # opening tweet @mentions): a staff organization, so the customer is the requester (one account, one
        # person: no identity links for twcs).
        a = acc[f"twcs/twcs/user/{customers[0]['author_id']}"]
        created = conversation[0]["at"]
        a["open"] += created <= as_of  # no conversation is ever solved in TWCS
        if start < created <= as_of:
            a["tickets"] += 1
            a["messages"] += sum(t["at"] <= as_of for t in conversation)
        for t in conversation:
            if t["author_id"] not in brands and start < t["at"] <= as_of:
                # The CSV has no sentiment: each customer message's score is read from the warehouse's
                # enrichments, for the text the connector loads (unescaped; hashed as content.text_hash).
                a["scores"].append((f"twcs/twcs/message/{t['tweet_id']}",
                                    hashlib.md5(("\n" + html.unescape(t["text"])).encode()).hexdigest()))
    return acc


def test_twcs_customers_from_the_csv(analytics_home, tmp_path):
    from transforms.build import refresh_marts

    with open(TWCS_CSV, encoding="utf-8", newline="") as f:
        last = max(dt.datetime.strptime(r["created_at"], "%a %b %d %H:%M:%S %z %Y") for r in csv.DictReader(f))
    as_of = last.astimezone(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1)  # the window covers the sample
    shutil.copy(analytics_home / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        refresh_marts(con, as_of, config_path=analytics_home / "townsquare.toml")
        rows = {who: rest for who, *rest in con.execute(
            "select customer_id, tickets, messages, open_tickets, status from mart_customer_health "
            "where community_id = 'twcs'").fetchall()}
        latest = {}  # (content_id, text_hash) -> ((enriched_at, pipeline_version), language, sentiment)
        for cid, text_hash, version, at, language, score in con.execute(
                "select content_id, text_hash, pipeline_version, enriched_at, language, sentiment from enrichments "
                "where community_id = 'twcs'").fetchall():
            if (cid, text_hash) not in latest or (at, version) > latest[(cid, text_hash)][0]:
                latest[(cid, text_hash)] = ((at, version), language, score)
    finally:
        con.close()

    expected, scored = {}, 0
    for who, a in _twcs_expected(as_of).items():
        scores = [latest[key][2] for key in a["scores"]
                  if key in latest and latest[key][1] in ("en", "und") and latest[key][2] is not None]
        scored += len(scores)
        sentiment = sum(scores) / len(scores) if scores else None
        per_ticket = a["messages"] / a["tickets"] if a["tickets"] else None

        # default thresholds (docs/metrics.md): TWCS has no satisfaction ratings, so that rule never applies
        def broken(sentiment_below, open_at_least, per_ticket_above):
            return ((sentiment is not None and sentiment < sentiment_below) or a["open"] >= open_at_least
                    or (per_ticket is not None and per_ticket > per_ticket_above))
        status = "red" if broken(-0.25, 6, 10) else "yellow" if broken(-0.1, 3, 6) else "green"
        expected[who] = [a["tickets"], a["messages"], a["open"], status]

    assert rows == expected
    assert len(rows) >= 10
    assert scored > 0  # the enrichments were found for the CSV's texts
