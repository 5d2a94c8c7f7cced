"""The Zendesk connector on a hand-written export (tests/ingest/fixtures/zendesk): every record
loads and maps onto members, tickets, content, interactions and ticket_events; a later overlapping
export updates tickets and keeps their history; bad records are quarantined with file, position and
reason. Expected values are computed here from the fixture JSON, independently of the connector."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import shutil
from pathlib import Path

import duckdb
import pytest


from townsquare.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "zendesk"
EXPORT_A, EXPORT_B = FIXTURES / "export_a", FIXTURES / "export_b"
PREFIX = "acme/zendesk"
TRACKED = {"status": "status", "priority": "priority", "assignee_id": "assignee"}


# --- reading the fixture the plain way -------------------------------------------------------------

def _records(path: Path, key: str) -> list[dict]:
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return json.loads(path.read_text(encoding="utf-8"))[key]


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None) if value else None


def read_export(*folders: Path) -> dict:
    """Every record of one or more exports, the latest version of each where records repeat."""
    out: dict = {"tickets": {}, "users": {}, "organizations": {}, "satisfaction_ratings": {}, "ticket_events": {},
                 "comments": {}}
    for folder in folders:
        for key in ("tickets", "users", "organizations", "satisfaction_ratings", "ticket_events"):
            for path in sorted(folder.glob(f"{key}*")):
                for record in _records(path, key):
                    old = out[key].get(record["id"])
                    if old is None or (record.get("updated_at") or "") >= (old.get("updated_at") or ""):
                        out[key][record["id"]] = record
        for path in sorted((folder / "comments").glob("*.json")):
            for comment in _records(path, "comments"):
                out["comments"][comment["id"]] = comment | {"ticket_id": int(path.stem)}
        for event in out["ticket_events"].values():  # comments sideloaded into ticket events
            for child in event["child_events"]:
                if child["event_type"] == "Comment" and "body" in child:
                    out["comments"].setdefault(child["id"], child | {"ticket_id": event["ticket_id"]})
    return out


def _changes(export: dict) -> list[tuple]:
    """(child id, ticket id, time, field, old, new, updater) of every status/priority/assignee change."""
    changes = []
    for event in export["ticket_events"].values():
        for child in event["child_events"]:
            if child["event_type"] in ("Create", "Change"):
                for name, field in TRACKED.items():
                    if name in child:
                        changes.append((child["id"], event["ticket_id"], _when(event["created_at"]), field,
                                        child.get("previous_value"), child[name], event["updater_id"]))
    return changes


def _expected_ticket(export: dict, ticket: dict) -> dict:
    users, orgs = export["users"], export["organizations"]
    staff = {uid for uid, u in users.items() if u["role"] in ("agent", "admin")}
    created = _when(ticket["created_at"])
    responses = [_when(c["created_at"]) for c in export["comments"].values()
                 if c["ticket_id"] == ticket["id"] and c["public"] and c["author_id"] in staff
                 and _when(c["created_at"]) > created]
    solves = [when for _, tid, when, field, _, new, _ in _changes(export)
              if tid == ticket["id"] and field == "status" and new == "solved"]
    solved_at = None
    if ticket["status"] in ("solved", "closed"):
        solved_at = max(solves) if solves else (_when(ticket["updated_at"]) if ticket["status"] == "solved" else None)
    ratings = [r for r in export["satisfaction_ratings"].values() if r["ticket_id"] == ticket["id"]]
    rating = max(ratings, key=lambda r: r["updated_at"]) if ratings else ticket["satisfaction_rating"]
    return {
        "requester": f"{PREFIX}/user/{ticket['requester_id']}",
        "assignee": f"{PREFIX}/user/{ticket['assignee_id']}" if ticket["assignee_id"] else None,
        "organization": orgs[ticket["organization_id"]]["name"] if ticket["organization_id"] else None,
        "via": ticket["via"]["channel"], "status": ticket["status"], "priority": ticket["priority"],
        "satisfaction": rating["score"], "satisfaction_comment": rating.get("comment"),
        "tags": ticket["tags"], "created_at": created, "updated_at": _when(ticket["updated_at"]),
        "first_response_at": min(responses) if responses else None, "solved_at": solved_at,
        "subject": ticket["subject"],
    }


# --- loading -------------------------------------------------------------------------------------

def _ingest(folder: Path) -> None:
    assert main(["ingest", "zendesk", str(folder), "--community", "acme"]) == 0


def _connect(home: Path):
    return duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)


@pytest.fixture(scope="module")
def export_a() -> dict:
    return read_export(EXPORT_A)


@pytest.fixture(scope="module")
def home_a(tmp_path_factory):
    home = tmp_path_factory.mktemp("zendesk-a")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOWNSQUARE_HOME", str(home))
        mp.delenv("TOWNSQUARE_CONFIG", raising=False)
        _ingest(EXPORT_A)
    return home


@pytest.fixture(scope="module")
def loaded_a(home_a):
    con = _connect(home_a)
    yield con
    con.close()


def _one(con, sql, *params):
    return con.execute(sql, list(params)).fetchone()[0]


def test_the_fixture_is_a_realistic_help_desk(export_a):
    users = export_a["users"].values()
    assert len(export_a["organizations"]) >= 3
    assert len(export_a["users"]) >= 8 and sum(u["role"] == "agent" for u in users) >= 2
    tickets = export_a["tickets"].values()
    assert len(export_a["tickets"]) >= 12
    assert {t["status"] for t in tickets} >= {"new", "open", "pending", "hold", "solved", "closed"}
    assert {t["priority"] for t in tickets} >= {"low", "normal", "high", "urgent"}
    assert len({t["via"]["channel"] for t in tickets}) >= 5
    assert {r["score"] for r in export_a["satisfaction_ratings"].values()} >= {"good", "bad"}
    assert any(c[3] == "status" and c[4] is not None for c in _changes(export_a))


def test_every_record_loads(loaded_a, export_a):
    con = loaded_a
    assert _one(con, "select count(*) from tickets") == len(export_a["tickets"])
    assert _one(con, "select count(*) from content where kind = 'ticket'") == len(export_a["tickets"])
    assert _one(con, "select count(*) from content where kind = 'ticket_message'") == len(export_a["comments"])
    assert _one(con, "select count(*) from members") == len(export_a["users"])
    assert _one(con, "select count(*) from members where is_staff") == sum(
        u["role"] in ("agent", "admin") for u in export_a["users"].values())
    assert _one(con, "select count(*) from groups where kind = 'organization'") == len(export_a["organizations"])
    assert _one(con, "select count(*) from groups where kind = 'tag'") == len(
        {tag for t in export_a["tickets"].values() for tag in t["tags"]})
    assert _one(con, "select count(*) from ticket_events") == len(_changes(export_a))
    assert _one(con, "select count(*) from quarantine") == 0
    runs = con.execute("select source_file, status, records_read, records_loaded, records_quarantined "
                       "from ingest_runs").fetchall()
    expected_files = {p.relative_to(EXPORT_A).as_posix(): p for p in EXPORT_A.rglob("*.json")}
    assert {r[0] for r in runs} == set(expected_files)
    for name, status, read, loaded, quarantined in runs:
        path = expected_files[name]
        key = "comments" if name.startswith("comments/") else path.stem.split("-")[0]
        assert (status, read, loaded, quarantined) == ("ok", len(_records(path, key)), len(_records(path, key)), 0)


def test_tickets_match_the_export(loaded_a, export_a):
    rows = loaded_a.execute(
        """select source_record_id, requester_member_id, assignee_member_id, organization, via, status, priority,
                  satisfaction, satisfaction_comment, tags, created_at, updated_at, first_response_at, solved_at,
                  subject from tickets""").fetchall()
    assert len(rows) == len(export_a["tickets"])
    names = ["requester", "assignee", "organization", "via", "status", "priority", "satisfaction",
             "satisfaction_comment", "tags", "created_at", "updated_at", "first_response_at", "solved_at", "subject"]
    for row in rows:
        expected = _expected_ticket(export_a, export_a["tickets"][int(row[0])])
        assert dict(zip(names, row[1:])) == {n: expected[n] for n in names}, row[0]
    # What the fixture is built to exercise:
    by_id = {int(r[0]): dict(zip(names, r[1:])) for r in rows}
    assert by_id[1205]["first_response_at"] == dt.datetime(2024, 3, 7, 16, 45)  # not the agent's call summary
    assert by_id[1207]["first_response_at"] is None                          # an internal note is no response
    assert by_id[1201]["status"] == "closed" and by_id[1201]["solved_at"] == dt.datetime(2024, 3, 4, 10, 30)
    assert by_id[1202]["satisfaction"] == "bad"


def test_members_carry_role_organization_and_an_email_hash_never_the_address(loaded_a, home_a, export_a):
    salt = (home_a / "secrets" / "email_salt").read_bytes().strip()  # the installation's salt
    for user in export_a["users"].values():
        row = loaded_a.execute("select display_name, is_staff, email_hash, organization, joined_at from members "
                               "where member_id = ?", [f"{PREFIX}/user/{user['id']}"]).fetchone()
        org = export_a["organizations"][user["organization_id"]]["name"] if user["organization_id"] else None
        assert row == (user["name"], user["role"] in ("agent", "admin"),
                       hmac.new(salt, user["email"].lower().encode(), hashlib.sha256).hexdigest(), org,
                       _when(user["created_at"]))
    emails = [u["email"].lower() for u in export_a["users"].values()]
    for table in ("members", "tickets", "content", "groups", "quarantine"):
        text = json.dumps(loaded_a.execute(f"select * from {table}").fetchall(), default=str).lower()
        assert not [e for e in emails if e in text], table


def test_tickets_and_comments_are_content_in_one_thread(loaded_a, export_a):
    ticket = export_a["tickets"][1202]
    row = loaded_a.execute("select title, body_text, thread_id, author_member_id, channel, tags from content "
                           "where content_id = ?", [f"{PREFIX}/ticket/1202"]).fetchone()
    assert row == (ticket["subject"], ticket["description"], f"{PREFIX}/ticket/1202",
                   f"{PREFIX}/user/{ticket['requester_id']}", "support", ticket["tags"])
    for comment in export_a["comments"].values():
        thread, parent, author, body, public, created = loaded_a.execute(
            "select thread_id, parent_id, author_member_id, body_text, (metrics->>'public')::boolean, created_at "
            "from content where content_id = ?", [f"{PREFIX}/message/{comment['id']}"]).fetchone()
        ticket_id = f"{PREFIX}/ticket/{comment['ticket_id']}"
        assert (thread, parent, author, body, public, created) == (
            ticket_id, ticket_id, f"{PREFIX}/user/{comment['author_id']}", comment["body"], comment["public"],
            _when(comment["created_at"]))
    replies = [c for c in export_a["comments"].values()
               if c["author_id"] != export_a["tickets"][c["ticket_id"]]["requester_id"]]
    assert _one(loaded_a, "select count(*) from interactions where kind = 'ticket_reply'") == len(replies)
    reply = replies[0]
    assert loaded_a.execute("select from_member_id, to_member_id, content_id from interactions where via_content_id = ?",
                            [f"{PREFIX}/message/{reply['id']}"]).fetchone() == (
        f"{PREFIX}/user/{reply['author_id']}",
        f"{PREFIX}/user/{export_a['tickets'][reply['ticket_id']]['requester_id']}", f"{PREFIX}/ticket/{reply['ticket_id']}")
    assert _one(loaded_a, "select count(*) from content_groups where group_id = ?",
                f"{PREFIX}/org/360100002") == sum(t["organization_id"] == 360100002 for t in export_a["tickets"].values())


def test_ticket_events_are_the_reported_changes(loaded_a, export_a):
    rows = {r[0]: r[1:] for r in loaded_a.execute(
        "select event_id, ticket_id, occurred_at, field, old_value, new_value, member_id from ticket_events").fetchall()}
    for child_id, ticket_id, when, field, old, new, updater in _changes(export_a):
        def value(v):
            return None if v is None else (f"{PREFIX}/user/{v}" if field == "assignee" else str(v))
        assert rows[f"{PREFIX}/event/{child_id}"] == (
            f"{PREFIX}/ticket/{ticket_id}", when, field, value(old), value(new),
            f"{PREFIX}/user/{updater}" if updater > 0 else None)
    # Ticket 1201 was closed by Zendesk's automation (updater -1): no member made that change.
    assert loaded_a.execute("select member_id from ticket_events where ticket_id = ? and new_value = 'closed'",
                            [f"{PREFIX}/ticket/1201"]).fetchall() == [(None,)]


# --- incremental ---------------------------------------------------------------------------------

def _snapshot(con) -> dict:
    tables = ["members", "groups", "content", "content_groups", "interactions", "tickets", "ticket_events",
              "content_history"]
    return {t: con.execute(f"select * from {t} order by all").fetchall() for t in tables}


def test_a_later_overlapping_export_updates_tickets_and_keeps_their_history(townsquare_home):
    _ingest(EXPORT_A)
    con = _connect(townsquare_home)
    assert con.execute("select status, solved_at from tickets where source_record_id = '1209'").fetchone() == ("open", None)
    before = _one(con, "select count(*) from content where thread_id = ? and kind = 'ticket_message'",
                  f"{PREFIX}/ticket/1209")
    con.close()

    _ingest(EXPORT_B)
    both = read_export(EXPORT_A, EXPORT_B)
    b = read_export(EXPORT_B)
    con = _connect(townsquare_home)
    status, solved_at, updated_at = con.execute(
        "select status, solved_at, updated_at from tickets where source_record_id = '1209'").fetchone()
    solve = next(c for c in _changes(b) if c[1] == 1209 and c[3] == "status")
    assert (status, solved_at, updated_at) == ("solved", solve[2], _when(b["tickets"][1209]["updated_at"]))
    assert con.execute("select old_value, new_value, occurred_at, member_id from ticket_events "
                       "where ticket_id = ? and field = 'status' and new_value = 'solved'",
                       [f"{PREFIX}/ticket/1209"]).fetchall() == [("open", "solved", solve[2], f"{PREFIX}/user/{solve[6]}")]
    after = _one(con, "select count(*) from content where thread_id = ? and kind = 'ticket_message'",
                 f"{PREFIX}/ticket/1209")
    assert after == before + 1 == sum(c["ticket_id"] == 1209 for c in both["comments"].values())
    # No duplicates: every record once, however many exports carried it.
    assert _one(con, "select count(*) from tickets") == len(both["tickets"])
    assert _one(con, "select count(*) from content where kind = 'ticket_message'") == len(both["comments"])
    assert _one(con, "select count(*) from ticket_events") == len({c[0] for c in _changes(both)})
    assert _one(con, "select count(*) from members") == len(both["users"])
    # The new customer's organization came in export B; the old ones are still known from export A.
    assert _one(con, "select organization from tickets where source_record_id = '1215'") == "Tidewell Clinics"
    for ticket in both["tickets"].values():
        expected = _expected_ticket(both, ticket)
        assert con.execute("select status, first_response_at, solved_at, organization from tickets "
                           "where source_record_id = ?", [str(ticket["id"])]).fetchone() == (
            expected["status"], expected["first_response_at"], expected["solved_at"], expected["organization"])
    # The cursor is where export B stands.
    cursor = json.loads(_one(con, "select cursor from source_cursors where source_key = 'acme/zendesk'"))
    last_tickets = json.loads((EXPORT_B / "tickets-1.json").read_text(encoding="utf-8"))
    last_events = json.loads((EXPORT_B / "ticket_events-1.json").read_text(encoding="utf-8"))
    assert cursor["tickets"]["after_cursor"] == last_tickets["after_cursor"]
    assert cursor["ticket_events"]["end_time"] == last_events["end_time"]
    assert cursor["ticket_events"]["end_of_stream"] is True
    snapshot = _snapshot(con)
    con.close()

    _ingest(EXPORT_B)  # the same export again changes nothing
    con = _connect(townsquare_home)
    assert _snapshot(con) == snapshot
    con.close()

    _ingest(EXPORT_A)  # an older export loaded late does not move the cursor back
    con = _connect(townsquare_home)
    assert json.loads(_one(con, "select cursor from source_cursors"))["ticket_events"]["end_time"] == last_events["end_time"]
    con.close()


def _without_events(export: Path, folder: Path) -> Path:
    shutil.copytree(export, folder, ignore=shutil.ignore_patterns("ticket_events*"))
    return folder


def test_status_changes_without_reported_events_are_still_history(townsquare_home, tmp_path):
    """Exports without the ticket events stream: solved_at falls back to the solving update, and the
    shared merge records the status change it sees between the two loads."""
    _ingest(_without_events(EXPORT_A, tmp_path / "a"))
    con = _connect(townsquare_home)
    export = read_export(EXPORT_A)
    for ticket in export["tickets"].values():
        assert _one(con, "select solved_at from tickets where source_record_id = ?", str(ticket["id"])) == (
            _when(ticket["updated_at"]) if ticket["status"] == "solved" else None), ticket["id"]
    assert _one(con, "select count(*) from ticket_events") == 0
    con.close()

    _ingest(_without_events(EXPORT_B, tmp_path / "b"))
    con = _connect(townsquare_home)
    updated = _when(read_export(EXPORT_B)["tickets"][1209]["updated_at"])
    assert con.execute("select ticket_id, field, old_value, new_value, occurred_at, member_id from ticket_events"
                       ).fetchall() == [(f"{PREFIX}/ticket/1209", "status", "open", "solved", updated, None)]
    assert _one(con, "select solved_at from tickets where source_record_id = '1209'") == updated
    con.close()


# --- bad input -----------------------------------------------------------------------------------

def _page(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _broken_export(folder: Path) -> dict:
    """A copy of export A with bad records in several files; returns what was done where."""
    shutil.copytree(EXPORT_A, folder)
    # tickets-1.json: six bad or repeated tickets appended after the good ones.
    page = _page(folder / "tickets-1.json")
    good = len(page["tickets"])
    first = page["tickets"][0]
    page["tickets"] += [
        first | {"id": "abc"},                                # non-numeric id
        {k: v for k, v in first.items() if k != "id"},        # missing id
        first | {"id": 1290, "subject": 42},                  # wrong type
        first | {"id": 1291, "tags": "billing"},              # wrong type
        first | {"subject": "Something else entirely"},       # same id and version, different content
        dict(first),                                          # the same record again: harmless
    ]
    (folder / "tickets-1.json").write_text(json.dumps(page), encoding="utf-8")
    # tickets-2.json ends in the middle of its third ticket.
    text = (folder / "tickets-2.json").read_text(encoding="utf-8")
    third = _page(folder / "tickets-2.json")["tickets"][2]
    cut = text.index(f'"id": {third["id"]}')
    (folder / "tickets-2.json").write_text(text[:cut + 30], encoding="utf-8")
    # users.json: one user whose name is not UTF-8.
    users = (folder / "users.json").read_bytes()
    extra = json.dumps({"id": 4512000299, "name": "PLACEHOLDER", "role": "end-user"}).encode()
    users = users.replace(b'"users": [', b'"users": [' + extra.replace(b"PLACEHOLDER", b"Jos\xe9 Ruiz") + b",", 1)
    (folder / "users.json").write_bytes(users)
    # comments/1201.json: a 10 MB comment after the real ones.
    comments = _page(folder / "comments" / "1201.json")
    n_comments = len(comments["comments"])
    comments["comments"].append(comments["comments"][-1] | {"id": 20249999999, "body": "x" * (10 * 2**20)})
    (folder / "comments" / "1201.json").write_text(json.dumps(comments), encoding="utf-8")
    # satisfaction_ratings-2.jsonl: JSON lines with a good line, a broken one and a truncated last one.
    rating = next(iter(_page(folder / "satisfaction_ratings.json")["satisfaction_ratings"]))
    (folder / "satisfaction_ratings-2.jsonl").write_text(
        json.dumps(rating) + "\n" + "{not json}\n" + json.dumps(rating | {"id": 1})[:40], encoding="utf-8")
    # organizations-2.json: an API error saved as a page.
    (folder / "organizations-2.json").write_text('{"error": "RecordNotFound"}', encoding="utf-8")
    return {"good_tickets_page_1": good, "comments_1201": n_comments, "third_of_page_2": third["id"]}


def test_bad_records_are_quarantined_with_file_position_and_reason(townsquare_home, tmp_path, capsys):
    done = _broken_export(tmp_path / "broken")
    assert main(["ingest", "zendesk", str(tmp_path / "broken"), "--community", "acme"]) == 0
    assert "read = loaded + quarantined" in capsys.readouterr().out
    con = _connect(townsquare_home)
    quarantined = {(f, p): r for f, p, r in con.execute("select source_file, position, reason from quarantine").fetchall()}
    g = done["good_tickets_page_1"]
    assert quarantined.pop(("tickets-1.json", g + 1)) == "id 'abc' is not a Zendesk id (an integer)"
    assert quarantined.pop(("tickets-1.json", g + 2)) == "required field id is missing"
    assert quarantined.pop(("tickets-1.json", g + 3)) == "subject should be text, got int '42'"
    assert quarantined.pop(("tickets-1.json", g + 4)).startswith("tags should be a list of text")
    assert quarantined.pop(("tickets-1.json", g + 5)).startswith(
        "duplicate id ticket 1203 (updated_at 2024-03-06T15:10:00) with different content "
        "(first seen at tickets-1.json record 1)")
    assert quarantined.pop(("tickets-2.json", 3)) == ("truncated: the page ends in the middle of this record; "
                                                      "the records before it were kept")
    assert quarantined.pop(("users.json", 1)) == "not valid UTF-8: re-export the file as UTF-8"
    assert quarantined.pop(("comments/1201.json", done["comments_1201"] + 1)).startswith(
        "record of 10.0 MiB is over the 4 MiB limit per record")
    assert quarantined.pop(("satisfaction_ratings-2.jsonl", 2)).startswith("not valid JSON")
    assert quarantined.pop(("satisfaction_ratings-2.jsonl", 3)) == \
        "truncated: the file ends in the middle of this record"
    assert quarantined.pop(("organizations-2.json", 0)).startswith(
        "not an export page: expected a JSON object with a 'organizations' list (found error)")
    assert quarantined == {}
    assert _one(con, "select max(length(raw)) from quarantine") <= 64 * 2**10

    runs = {r[0]: r[1:] for r in con.execute("select source_file, status, records_read, records_loaded, "
                                             "records_quarantined from ingest_runs").fetchall()}
    for name, (status, read, loaded, quarantined_n) in runs.items():
        assert read == loaded + quarantined_n, name
    assert runs["tickets-1.json"] == ("partial", g + 6, g + 1, 5)
    assert runs["tickets-2.json"] == ("partial", 3, 2, 1)
    assert runs["organizations-2.json"] == ("unreadable", 1, 0, 1)
    assert runs["satisfaction_ratings-2.jsonl"] == ("partial", 3, 1, 2)

    export = read_export(EXPORT_A)
    lost = [t["id"] for t in _page(EXPORT_A / "tickets-2.json")["tickets"][2:]]
    assert _one(con, "select count(*) from tickets") == len(export["tickets"]) - len(lost)
    assert done["third_of_page_2"] in lost
    assert _one(con, "select subject from tickets where source_record_id = '1203'") == export["tickets"][1203]["subject"]
    assert _one(con, "select count(*) from members") == len(export["users"])
    assert _one(con, "select count(*) from content where kind = 'ticket_message'") == len(export["comments"])
    con.close()


def test_an_export_without_readable_records_exits_non_zero(townsquare_home, tmp_path, capsys):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "tickets.json").write_text("<html>502 Bad Gateway</html>", encoding="utf-8")
    assert main(["ingest", "zendesk", str(folder), "--community", "acme"]) == 1
    assert "no record could be read" in capsys.readouterr().err
    con = _connect(townsquare_home)
    assert con.execute("select source_file, position from quarantine").fetchall() == [("tickets.json", 0)]
    assert _one(con, "select status from ingest_runs where source_file = 'users*.json'") == "missing"
    con.close()


def test_a_folder_without_an_export_is_a_clear_error(townsquare_home, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    assert main(["ingest", "zendesk", str(tmp_path), "--community", "acme"]) == 1
    assert "holds no Zendesk export file" in capsys.readouterr().err
    assert main(["ingest", "zendesk", str(tmp_path / "nowhere"), "--community", "acme"]) == 1
    assert "does not exist" in capsys.readouterr().err
