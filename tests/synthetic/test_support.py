"""Synthetic support: two Zendesk help desks' incremental exports and TWCS-layout conversations on X,
read by the real connectors without a quarantined record, and support that behaves like support
(answers within the agents' working hours, some tickets never answered, statuses that move from new
to closed, mostly good ratings). Expected values are computed here from the generated files with the
json and csv modules."""
from __future__ import annotations

import csv
import datetime as dt
import json
import statistics
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from synthetic.community import generate_community
from synthetic.support import business_time, working
from townsquare.cli import main

START, DAYS = dt.datetime(2025, 2, 1), 200
TRACKED = {"status": "status", "priority": "priority", "assignee_id": "assignee"}


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    """The community generated once, its help desks and TWCS support ingested, identities resolved."""
    root = tmp_path_factory.mktemp("support")
    result = generate_community(root / "acme", members=500, days=DAYS, seed=23, start=START.date(),
                                site_name="acme")
    config = root / "townsquare.toml"
    config.write_text(result["sources_toml"], encoding="utf-8")  # no configured people: e-mail only
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOWNSQUARE_HOME", str(root / "home"))
        mp.setenv("TOWNSQUARE_CONFIG", str(config))
        for source in ("acme/helpdesk", "acme/billing", "acme/twcs"):
            assert main(["ingest", "configured", "--source", source]) == 0
        assert main(["run"]) == 0
    con = duckdb.connect(str(root / "home" / "warehouse.duckdb"), read_only=True)
    yield result, root / "acme", con
    con.close()


def _z(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", ""))


def read_desk(folder: Path) -> dict:
    """Every record of one help desk's export, and the records per file."""
    out: dict = {"per_file": {}}
    for key in ("organizations", "users", "tickets", "ticket_events", "satisfaction_ratings"):
        out[key] = []
        for path in sorted(folder.glob(f"{key}*.json")):
            records = json.loads(path.read_text(encoding="utf-8"))[key]
            out["per_file"][path.name] = len(records)
            out[key] += records
    out["comments"] = []
    for path in sorted((folder / "comments").glob("*.json")):
        comments = json.loads(path.read_text(encoding="utf-8"))["comments"]
        out["per_file"][f"comments/{path.name}"] = len(comments)
        out["comments"] += [c | {"ticket_id": int(path.stem)} for c in comments]
    out["changes"] = [(e["ticket_id"], c) for e in out["ticket_events"] for c in e["child_events"]
                      if c["event_type"] in ("Create", "Change") and any(k in c for k in TRACKED)]
    return out


@pytest.fixture(scope="module")
def desks(community):
    return {ns: read_desk(community[1] / "zendesk" / ns) for ns in ("helpdesk", "billing")}


# --- Zendesk --------------------------------------------------------------------------------------

def test_the_zendesk_connector_loads_both_help_desks_whole(community, desks):
    result, _, con = community
    assert con.execute("select count(*) from quarantine").fetchone()[0] == 0
    for ns, desk in desks.items():
        runs = {f: (r, l, q, s) for f, r, l, q, s in con.execute(
            "select source_file, records_read, records_loaded, records_quarantined, status from ingest_runs "
            "where source = ?", [ns]).fetchall()}
        assert runs == {f: (n, n, 0, "ok") for f, n in desk["per_file"].items()}, ns
        counts = result["counts"]["zendesk"][ns]
        assert counts == {"tickets": len(desk["tickets"]), "users": len(desk["users"]),
                          "agents": sum(u["role"] != "end-user" for u in desk["users"]),
                          "organizations": len(desk["organizations"]), "ticket_events": len(desk["ticket_events"]),
                          "changes": len(desk["changes"]), "comments": len(desk["comments"]),
                          "satisfaction_ratings": len(desk["satisfaction_ratings"])}
        one = lambda sql: con.execute(sql, [ns]).fetchone()[0]  # noqa: E731
        assert one("select count(*) from tickets where source = ?") == len(desk["tickets"]) > 50
        assert one("select count(*) from members where source = ?") == len(desk["users"])
        assert one("select count(*) from content where source = ? and kind = 'ticket_message'") == len(desk["comments"])
        assert one("select count(*) from groups where source = ? and kind = 'organization'") \
            == len(desk["organizations"])
        assert one("select count(*) from ticket_events where split_part(ticket_id, '/', 2) = ?") == len(desk["changes"])
        statuses = Counter(t["status"] for t in desk["tickets"])
        assert dict(con.execute("select status, count(*) from tickets where source = ? group by 1",
                                [ns]).fetchall()) == dict(statuses)


def test_tickets_move_from_new_to_closed_over_time(desks):
    for ns, desk in desks.items():
        statuses = Counter(t["status"] for t in desk["tickets"])
        assert (statuses["solved"] + statuses["closed"]) / len(desk["tickets"]) >= 0.7, ns
        assert statuses["new"] >= 1 and statuses["closed"] >= 1
    helpdesk = desks["helpdesk"]
    assert {"new", "pending", "solved", "closed"} <= {t["status"] for t in helpdesk["tickets"]}
    # each ticket's status history is a path through the states, ending where the ticket is now
    history: dict[int, list[tuple]] = {}
    for event in sorted(helpdesk["ticket_events"], key=lambda e: (e["created_at"], e["id"])):
        for child in event["child_events"]:
            if "status" in child:
                history.setdefault(event["ticket_id"], []).append(
                    (child.get("previous_value"), child["status"], _z(event["created_at"]), event["updater_id"]))
    reached = {new for steps in history.values() for _, new, _, _ in steps}
    assert reached == {"new", "open", "pending", "hold", "solved", "closed"}
    assert any(old == "solved" and new == "open" for steps in history.values() for old, new, _, _ in steps)
    for ticket in helpdesk["tickets"]:
        steps = history[ticket["id"]]
        assert steps[0][0] is None and steps[0][1] in ("new", "open")
        assert all(a[1] == b[0] for a, b in zip(steps, steps[1:]))
        assert steps[-1][1] == ticket["status"]
        for (_, new, when, _), (old, closed, closed_at, updater) in zip(steps, steps[1:]):
            if closed == "closed":  # closed by the automation four days after it was solved
                assert new == "solved" and updater == -1 and closed_at - when >= dt.timedelta(days=4)


def test_agents_answer_within_working_hours_and_some_tickets_wait(community, desks):
    _, _, con = community
    rows = con.execute("""
        select first_response_at, epoch(first_response_at - created_at) / 3600, priority, via
        from tickets where source = 'helpdesk'""").fetchall()
    answered = [r for r in rows if r[0] is not None]
    assert 0 < len(rows) - len(answered) <= 0.2 * len(rows)  # some never answered (yet)
    assert all(working(at) for at, *_ in answered)
    hours = [h for _, h, _, _ in answered]
    assert 1 <= statistics.median(hours) <= 30  # hours on the clock: nights and weekends count
    by_priority = {p: statistics.median([h for _, h, q, _ in answered if q == p]) for p in ("urgent", "low")}
    assert by_priority["urgent"] < by_priority["low"]
    # the comment an agent writes when taking a call is not a response
    comments = {c["id"]: c for c in desks["helpdesk"]["comments"]}
    phone = [t for t in desks["helpdesk"]["tickets"] if t["via"]["channel"] == "voice"]
    assert phone
    first = {t: f for t, f in con.execute(
        "select source_record_id::int, first_response_at from tickets where source = 'helpdesk'").fetchall()}
    for ticket in phone:
        calls = [c for c in comments.values()
                 if c["ticket_id"] == ticket["id"] and c["created_at"] == ticket["created_at"]]
        assert calls and calls[0]["author_id"] == ticket["submitter_id"] != ticket["requester_id"]
        assert first[ticket["id"]] is None or first[ticket["id"]] > _z(ticket["created_at"])


def test_working_hours():
    friday_evening = dt.datetime(2025, 3, 7, 17, 30)
    assert business_time(friday_evening, 1.0) == dt.datetime(2025, 3, 10, 8, 30)
    assert business_time(dt.datetime(2025, 3, 8, 3, 0), 2.0) == dt.datetime(2025, 3, 10, 10, 0)
    assert business_time(dt.datetime(2025, 3, 10, 9, 0), 12.0) == dt.datetime(2025, 3, 11, 11, 0)


def test_most_customers_who_rate_are_happy(community, desks):
    _, _, con = community
    ratings = desks["helpdesk"]["satisfaction_ratings"] + desks["billing"]["satisfaction_ratings"]
    scores = Counter(r["score"] for r in ratings)
    rated = scores["good"] + scores["bad"]
    assert scores["bad"] >= 1 and 0.6 <= scores["good"] / rated <= 0.95
    assert dict(con.execute("select satisfaction, count(*) from tickets where source in ('helpdesk', 'billing') "
                            "and satisfaction in ('good', 'bad', 'offered') group by 1").fetchall()) == dict(scores)


def test_everything_in_the_help_desks_is_dated_inside_the_window(desks):
    end = START + dt.timedelta(days=DAYS)
    for desk in desks.values():
        stamps = [r[k] for key in ("organizations", "users", "tickets", "satisfaction_ratings")
                  for r in desk[key] for k in ("created_at", "updated_at")]
        stamps += [e["created_at"] for e in desk["ticket_events"]] + [c["created_at"] for c in desk["comments"]]
        stamps += [u["last_login_at"] for u in desk["users"] if u["last_login_at"]]
        assert all(START <= _z(s) <= end for s in stamps)


def test_customers_of_both_help_desks_are_one_person_by_their_email(community, desks):
    _, _, con = community
    by_email = {ns: {u["email"].lower(): u["id"] for u in desk["users"] if u["role"] == "end-user"}
                for ns, desk in desks.items()}
    both = set(by_email["helpdesk"]) & set(by_email["billing"])
    assert len(both) >= 5
    person = dict(con.execute("select member_id, person_id from members").fetchall())
    for email in both:
        assert person[f"acme/helpdesk/user/{by_email['helpdesk'][email]}"] \
            == person[f"acme/billing/user/{by_email['billing'][email]}"], email
    # and nobody else is joined: every other account is a person of its own
    merged = con.execute("select count(*) - count(distinct person_id) from members").fetchone()[0]
    assert merged == len(both)
    # the same customer has the same name in both desks
    names = {ns: {u["email"].lower(): u["name"] for u in desk["users"]} for ns, desk in desks.items()}
    assert all(names["helpdesk"][e] == names["billing"][e] for e in both)


# --- TWCS -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def twcs_rows(community):
    with open(community[1] / "twcs" / "twcs.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_twcs_connector_rebuilds_every_conversation(community, twcs_rows):
    result, _, con = community
    ids = {r["tweet_id"] for r in twcs_rows}
    roots = [r for r in twcs_rows if r["in_response_to_tweet_id"] not in ids]
    customers = {r["author_id"] for r in twcs_rows if r["inbound"] == "True"}
    brands = {r["author_id"] for r in twcs_rows if r["inbound"] == "False"}
    assert brands == {"AcmeSupport"}
    counts = result["counts"]["twcs"]
    assert (counts["tweets"], counts["conversations"], counts["customers"]) == (len(twcs_rows), len(roots),
                                                                                len(customers))
    assert any(r["in_response_to_tweet_id"] and r["in_response_to_tweet_id"] not in ids for r in twcs_rows)
    assert con.execute("select records_read, records_loaded, records_quarantined from ingest_runs "
                       "where source = 'twcs'").fetchall() == [(len(twcs_rows), len(twcs_rows), 0)]
    assert con.execute("select count(*) from tickets where source = 'twcs'").fetchone()[0] == len(roots)
    assert con.execute("select count(*) from content where source = 'twcs' and kind = 'ticket_message'"
                       ).fetchone()[0] == len(twcs_rows)
    assert con.execute("select count(*) from members where source = 'twcs'").fetchone()[0] \
        == len(customers) + len(brands)
    # replies link both ways, as in the dataset
    for row in twcs_rows:
        for reply in filter(None, row["response_tweet_id"].split(",")):
            assert next(r for r in twcs_rows if r["tweet_id"] == reply)["in_response_to_tweet_id"] == row["tweet_id"]


def test_support_on_x_answers_around_the_clock_within_the_hour(community):
    _, _, con = community
    rows = con.execute("select status, epoch(first_response_at - created_at) / 3600 from tickets "
                       "where source = 'twcs'").fetchall()
    hours = [h for _, h in rows if h is not None]
    assert 0.1 <= statistics.median(hours) <= 3
    statuses = Counter(s for s, _ in rows)
    assert statuses["new"] >= 1 and statuses["pending"] > statuses["new"]
    at_night = con.execute("select count(*) from tickets where source = 'twcs' and first_response_at is not null "
                           "and not (dayofweek(first_response_at) between 1 and 5 and "
                           "hour(first_response_at) between 8 and 17)").fetchone()[0]
    assert at_night >= 1
