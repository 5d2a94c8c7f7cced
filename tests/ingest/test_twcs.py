"""The TWCS connector on the real sample: every tweet loads, conversations become tickets, bad rows
are quarantined with their line and reason. Expected values are computed here from the CSV with the
csv module, independently of the connector."""
from __future__ import annotations

import csv
import datetime as dt
import json

import duckdb
import pytest

from townsquare.cli import main

PREFIX = "acme/twcs"


@pytest.fixture(scope="module")
def sample(shared_dataset):
    return shared_dataset("twcs_sample") / "sample.csv"


@pytest.fixture(scope="module")
def rows(sample) -> list[dict[str, str]]:
    with open(sample, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _when(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").astimezone(dt.UTC).replace(tzinfo=None)


def _conversations(rows) -> dict[str, list[dict[str, str]]]:
    """Root tweet id -> its tweets: walk each tweet up its parents while the parent is in the file."""
    by_id = {r["tweet_id"]: r for r in rows}
    conversations: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        top = row
        while top["in_response_to_tweet_id"] in by_id:
            top = by_id[top["in_response_to_tweet_id"]]
        conversations.setdefault(top["tweet_id"], []).append(row)
    return conversations


def _expected_ticket(tweets: list[dict[str, str]]) -> dict:
    ordered = sorted(tweets, key=lambda r: (_when(r["created_at"]), int(r["tweet_id"])))
    customers = [r for r in ordered if r["inbound"] == "True"]
    agents = [r for r in ordered if r["inbound"] == "False"]
    first_customer = _when(customers[0]["created_at"]) if customers else None
    responses = [_when(r["created_at"]) for r in agents
                 if first_customer is not None and _when(r["created_at"]) >= first_customer]
    status = "new" if not agents else ("open" if ordered[-1]["inbound"] == "True" else "pending")
    return {
        "requester": f"{PREFIX}/user/{customers[0]['author_id']}" if customers else None,
        "assignee": f"{PREFIX}/user/{agents[0]['author_id']}" if agents else None,
        "first_response_at": min(responses) if responses else None,
        "created_at": _when(ordered[0]["created_at"]),
        "updated_at": _when(ordered[-1]["created_at"]),
        "status": status,
        "organization": agents[0]["author_id"] if agents else None,
    }


@pytest.fixture(scope="module")
def loaded(sample, tmp_path_factory):
    home = tmp_path_factory.mktemp("twcs-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOWNSQUARE_HOME", str(home))
        mp.delenv("TOWNSQUARE_CONFIG", raising=False)
        assert main(["ingest", "twcs", str(sample), "--community", "acme"]) == 0
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def _one(con, sql, *params):
    return con.execute(sql, list(params)).fetchone()[0]


def test_every_tweet_loads_as_a_ticket_message(loaded, rows):
    assert len(rows) == 93
    assert _one(loaded, "select count(*) from content where kind = 'ticket_message'") == len(rows)
    inbound = sum(r["inbound"] == "True" for r in rows)
    assert (inbound, len(rows) - inbound) == (49, 44)  # SOURCE.md
    assert _one(loaded, "select count(*) from content where kind = 'ticket_message' and metrics->>'inbound' = 'true'") == 49
    assert _one(loaded, "select count(*) from content where channel = 'support'") == _one(loaded, "select count(*) from content")
    assert loaded.execute("select source_file, status, records_read, records_loaded, records_quarantined "
                          "from ingest_runs").fetchall() == [("sample.csv", "ok", 93, 93, 0)]
    assert _one(loaded, "select count(*) from quarantine") == 0


def test_brand_accounts_are_staff_and_customers_are_not(loaded, rows):
    brands = {r["author_id"] for r in rows if r["inbound"] == "False"}
    customers = {r["author_id"] for r in rows if r["inbound"] == "True"}
    assert len(brands) == 13
    staff = {h for (h,) in loaded.execute("select source_user_id from members where is_staff").fetchall()}
    assert staff == brands
    assert _one(loaded, "select count(*) from members") == len(brands | customers)
    assert _one(loaded, "select handle from members where member_id = ?", f"{PREFIX}/user/AppleSupport") == "AppleSupport"


def test_conversations_become_tickets(loaded, rows):
    conversations = _conversations(rows)
    tickets = {r[0]: r[1:] for r in loaded.execute(
        """select source_record_id, requester_member_id, assignee_member_id, first_response_at, created_at,
                  updated_at, status, organization, via from tickets""").fetchall()}
    assert set(tickets) == set(conversations)
    assert _one(loaded, "select count(*) from content where kind = 'ticket'") == len(conversations)
    for root, tweets in conversations.items():
        expected = _expected_ticket(tweets)
        requester, assignee, first_response, created, updated, status, organization, via = tickets[root]
        assert (requester, assignee, first_response, created, updated, status, via) == (
            expected["requester"], expected["assignee"], expected["first_response_at"], expected["created_at"],
            expected["updated_at"], expected["status"], "twitter"), root
        if expected["organization"] is not None:
            assert organization == expected["organization"], root
        members = {m for (m,) in loaded.execute("select source_record_id from content where thread_id = ? "
                                                "and kind = 'ticket_message'", [f"{PREFIX}/ticket/{root}"]).fetchall()}
        assert members == {t["tweet_id"] for t in tweets}, root


def test_an_unanswered_tweet_is_new_and_belongs_to_the_brand_it_mentions(loaded, rows):
    conversations = _conversations(rows)
    unanswered = [root for root, tweets in conversations.items() if all(t["inbound"] == "True" for t in tweets)]
    assert unanswered  # the sample has one: a customer @AppleSupport tweet nobody replied to in the file
    for root in unanswered:
        text = next(t["text"] for t in conversations[root] if t["tweet_id"] == root)
        status, organization, first_response = loaded.execute(
            "select status, organization, first_response_at from tickets where source_record_id = ?", [root]).fetchone()
        assert status == "new" and first_response is None
        assert organization is not None and f"@{organization}".lower() in text.lower()


def test_messages_point_at_what_they_reply_to(loaded, rows):
    by_id = {r["tweet_id"]: r for r in rows}
    parents = dict(loaded.execute("select source_record_id, parent_id from content where kind = 'ticket_message'").fetchall())
    for row in rows:
        parent = row["in_response_to_tweet_id"]
        if parent in by_id:
            assert parents[row["tweet_id"]] == f"{PREFIX}/message/{parent}"
        else:
            assert parents[row["tweet_id"]].startswith(f"{PREFIX}/ticket/")
    replies = [r for r in rows if r["in_response_to_tweet_id"] in by_id]
    assert _one(loaded, "select count(*) from interactions where kind = 'ticket_reply'") == len(replies)
    reply = replies[0]
    parent = by_id[reply["in_response_to_tweet_id"]]
    assert loaded.execute("select from_member_id, to_member_id from interactions where via_content_id = ?",
                          [f"{PREFIX}/message/{reply['tweet_id']}"]).fetchone() == (
        f"{PREFIX}/user/{reply['author_id']}", f"{PREFIX}/user/{parent['author_id']}")


def test_text_is_unescaped_and_raw_is_kept(loaded, rows):
    escaped = next(r for r in rows if "&amp;" in r["text"])
    body, raw = loaded.execute("select body_text, raw from content where source_record_id = ? and kind = 'ticket_message'",
                               [escaped["tweet_id"]]).fetchone()
    assert body == escaped["text"].replace("&amp;", "&")
    assert json.loads(raw) == escaped


def _snapshot(con):
    return {table: con.execute(f"select * exclude ({exclude}) from {table} order by all").fetchall()
            for table, exclude in [("content", "raw, metrics"), ("tickets", "raw"), ("members", "raw"),
                                   ("interactions", "community_id"), ("ticket_events", "community_id")]}


def test_loading_twice_changes_nothing(townsquare_home, sample):
    assert main(["ingest", "twcs", str(sample), "--community", "acme"]) == 0
    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    first = _snapshot(con)
    con.close()
    assert main(["ingest", "twcs", str(sample), "--community", "acme"]) == 0
    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    assert _snapshot(con) == first
    assert _one(con, "select count(*) from ticket_events") == 0
    con.close()


def test_bad_rows_are_quarantined_with_line_and_reason(townsquare_home, sample, rows, tmp_path, capsys):
    data = sample.read_bytes()
    assert data.endswith(b"\n")
    base = data.count(b"\n")  # physical lines of the sample: the next line written is base + 1
    bad = [
        b',105900,True,Wed Oct 11 06:55:44 +0000 2017,no id here,,\n',                       # base+1
        b'900001,105901,True,yesterday at noon,bad date,,\n',                                  # base+2
        b'900002,105902,True,Wed Oct 11 06:55:44 +0000 2017,too,many,fields,,\n',              # base+3
        b'900003,105903,True,Wed Oct 11 06:55:44 +0000 2017,caf\xe9 latin-1,,\n',             # base+4
        b'119237,105834,True,Wed Oct 11 06:55:44 +0000 2017,a different text,,\n',             # base+5
        b'900004,105904,True,Wed Oct 11 06:55:44 +0000 2017,"' + b"x" * (10 * 2**20) + b'",,\n',  # base+6
        b'900005,105905,maybe,Wed Oct 11 06:55:44 +0000 2017,inbound is not a boolean,,\n',    # base+7
        b'900007,105907,True,Wed Oct 11 06:55:44 +0000 2017,"quoted"then more,,\n',          # base+8
        b'900006,105906,True,Wed Oct 11 06:55:44 +0000 2017,"never closed quote\n',           # base+9, truncated
    ]
    broken = tmp_path / "broken.csv"
    broken.write_bytes(data + b"".join(bad))
    assert main(["ingest", "twcs", str(broken), "--community", "acme"]) == 0
    assert "read = loaded + quarantined" in capsys.readouterr().out

    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    quarantined = con.execute("select position, reason from quarantine where source_file = 'broken.csv' "
                              "order by position").fetchall()
    assert [p for p, _ in quarantined] == [base + i for i in range(1, 10)]
    reasons = [r for _, r in quarantined]
    assert reasons[0] == "required field tweet_id is missing"
    assert "created_at 'yesterday at noon' is not a date-time" in reasons[1]
    assert reasons[2].startswith("row has 9 fields, expected 7")
    assert reasons[3].startswith("not valid UTF-8 (column text)")
    assert reasons[4].startswith("duplicate id 119237 with different content (first seen at line 2)")
    assert "over the 4 MiB limit" in reasons[5]
    assert reasons[6] == "inbound 'maybe' is not true or false"
    assert reasons[7].startswith("not valid CSV (',' expected after '\"')")
    assert reasons[8] == "truncated: the file ends inside a quoted field"
    raw_sizes = con.execute("select max(length(raw)) from quarantine").fetchone()[0]
    assert raw_sizes <= 64 * 2**10

    assert con.execute("select status, records_read, records_loaded, records_quarantined from ingest_runs "
                       "where source_file = 'broken.csv'").fetchone() == ("partial", len(rows) + 9, len(rows), 9)
    assert _one(con, "select count(*) from content where kind = 'ticket_message'") == len(rows)
    assert _one(con, "select body_text from content where content_id = ?", f"{PREFIX}/message/119237") == \
        next(r["text"] for r in rows if r["tweet_id"] == "119237")
    con.close()


def test_a_file_of_identical_duplicates_loads_each_tweet_once(townsquare_home, sample, rows, tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    data = sample.read_bytes()
    (folder / "a.csv").write_bytes(data)
    (folder / "b.csv").write_bytes(data)  # the same export twice: harmless
    assert main(["ingest", "twcs", str(folder), "--community", "acme"]) == 0
    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    assert _one(con, "select count(*) from content where kind = 'ticket_message'") == len(rows)
    assert _one(con, "select count(*) from tickets") == len(_conversations(rows))
    assert _one(con, "select sum(records_loaded) from ingest_runs") == 2 * len(rows)
    con.close()


def test_a_csv_without_the_twcs_columns_is_not_readable(townsquare_home, tmp_path, capsys):
    other = tmp_path / "other.csv"
    other.write_text("id,body\n1,hello\n", encoding="utf-8")
    assert main(["ingest", "twcs", str(other), "--community", "acme"]) == 1
    captured = capsys.readouterr()
    assert "no record could be read" in captured.err
    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    status, message = con.execute("select status, message from ingest_runs").fetchone()
    assert status == "unreadable" and "the header lacks tweet_id" in message
    con.close()


def test_a_missing_file_is_a_clear_error(townsquare_home, tmp_path, capsys):
    assert main(["ingest", "twcs", str(tmp_path / "nowhere.csv"), "--community", "acme"]) == 1
    assert "does not exist" in capsys.readouterr().err
