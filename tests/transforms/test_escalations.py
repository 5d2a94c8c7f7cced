"""mart_escalations, its settings and the help-desk webhook: a hand-built community worked out by hand,
a local HTTP server standing in for the help desk, and cardano against the XML."""
from __future__ import annotations

import datetime as dt
import http.server
import json
import socket
import threading

import pytest

from warehouse.settings import ConfigError

T = dt.datetime
C = "c"
CONFIG = """
[marts.escalation]
default_hours = 24

[marts.escalation.group_hours]
billing = 2
"""


def _post(cid, kind, author, at, thread, **extra):
    return {"content_id": cid, "community_id": C, "kind": kind, "author_member_id": author, "created_at": at,
            "thread_id": thread, "parent_id": None if cid == thread else thread, **extra}


@pytest.fixture
def community(hand_warehouse):
    hw = hand_warehouse
    hw.write_config(CONFIG)
    hw.add("members", [
        {"member_id": "c/user/1", "community_id": C, "joined_at": T(2025, 1, 1)},
        {"member_id": "c/user/2", "community_id": C, "joined_at": T(2025, 1, 1)},
        {"member_id": "c/user/3", "community_id": C, "joined_at": T(2025, 1, 1), "is_staff": True},
    ])
    hw.add("groups", [{"group_id": "c/tag/Billing", "community_id": C, "source": "hand", "kind": "tag",
                       "name": "Billing"}])
    hw.add("content", [
        _post("c/q1", "question", "c/user/1", T(2025, 3, 3, 10), "c/q1"),
        _post("c/a1", "answer", "c/user/2", T(2025, 3, 3, 14), "c/q1"),
        _post("c/q2", "question", "c/user/2", T(2025, 3, 4, 9), "c/q2"),
        _post("c/c2", "comment", "c/user/1", T(2025, 3, 4, 13), "c/q2"),
        _post("c/q3", "question", "c/user/1", T(2025, 3, 5, 8), "c/q3"),
        _post("c/a3", "answer", "c/user/2", T(2025, 3, 6, 10), "c/q3"),
        _post("c/q4", "question", "c/user/1", T(2025, 3, 5, 11), "c/q4"),
        _post("c/a4", "answer", "c/user/2", T(2025, 3, 6, 15), "c/q4"),
        _post("c/q5", "question", "c/user/2", T(2025, 3, 6, 11), "c/q5"),
        _post("c/zd/ticket/3", "ticket", "c/user/1", T(2025, 3, 4, 6), "c/zd/ticket/3", channel="support"),
        _post("c/zd/message/1", "ticket_message", "c/user/2", T(2025, 3, 4, 7), "c/zd/ticket/3", channel="support"),
        _post("c/zd/message/2", "ticket_message", "c/user/3", T(2025, 3, 7, 6), "c/zd/ticket/3", channel="support"),
        _post("c/x/tweet/1", "tweet", "c/user/2", T(2025, 3, 1), "c/x/tweet/1", channel="social"),
    ])
    hw.add("content_groups", [{"content_id": "c/q2", "group_id": "c/tag/Billing", "community_id": C}])
    hw.add("tickets", [{"ticket_id": "c/zd/ticket/3", "community_id": C, "source": "zd", "source_record_id": "3",
                        "requester_member_id": "c/user/1", "status": "open", "created_at": T(2025, 3, 4, 6)}])
    hw.refresh(as_of=T(2025, 3, 6, 12))
    return hw


ROWS = """select conversation_id, channel, allowed_hours, escalated_at, status, closed_at, age_hours
          from mart_escalations order by conversation_id"""


def test_escalations_as_of_a_moment(community):
    assert community.rows(ROWS) == [
        # Billing allows 2 h (the setting says "billing": names match whatever their case): 09:00 + 2 h;
        # a comment is no answer; open from 4 March 11:00 to as_of 6 March 12:00 = 49 h
        ("c/q2", "forum", 2.0, T(2025, 3, 4, 11), "open", None, 49.0),
        # 5 March 08:00 + 24 h = 6 March 08:00, answered 10:00: closed after 2 h
        ("c/q3", "forum", 24.0, T(2025, 3, 6, 8), "closed", T(2025, 3, 6, 10), 2.0),
        # 5 March 11:00 + 24 h = 6 March 11:00; its answer at 15:00 is after as_of, so still open, 1 h
        ("c/q4", "forum", 24.0, T(2025, 3, 6, 11), "open", None, 1.0),
        # another customer's message is no agent reply: 4 March 06:00 + 24 h = 5 March 06:00, open 30 h
        ("c/zd/ticket/3", "support", 24.0, T(2025, 3, 5, 6), "open", None, 30.0),
    ]  # q1 answered within 4 h; q5 (6 March 11:00) is due 7 March 11:00; social posts never escalate


def test_escalations_close_when_answered_and_stay_listed(community):
    community.refresh(as_of=T(2025, 3, 8))
    assert community.rows(ROWS) == [
        ("c/q2", "forum", 2.0, T(2025, 3, 4, 11), "open", None, 85.0),  # 4 March 11:00 -> 8 March 00:00 = 85 h
        ("c/q3", "forum", 24.0, T(2025, 3, 6, 8), "closed", T(2025, 3, 6, 10), 2.0),
        ("c/q4", "forum", 24.0, T(2025, 3, 6, 11), "closed", T(2025, 3, 6, 15), 4.0),  # 11:00 -> 15:00
        ("c/q5", "forum", 24.0, T(2025, 3, 7, 11), "open", None, 13.0),  # 7 March 11:00 -> 8 March 00:00
        # the agent replied 7 March 06:00, 48 h after 5 March 06:00
        ("c/zd/ticket/3", "support", 24.0, T(2025, 3, 5, 6), "closed", T(2025, 3, 7, 6), 48.0),
    ]


# --- settings ------------------------------------------------------------------------------------------

def test_settings_defaults_and_errors():
    from transforms.parameters import escalation

    tables = escalation.tables({}, "t")
    assert tables["param_escalation_default"].to_pylist() == [{"hours": 48.0}]
    assert tables["param_escalation_group_hours"].num_rows == 0
    assert escalation.webhook({}, "t") == escalation.Webhook(None, 10.0)
    for bad, message in [({"default_hours": 0}, "default_hours must be a positive number"),
                         ({"default_hours": "2"}, "default_hours must be a positive number"),
                         ({"group_hours": {"billing": -1}}, "group_hours.billing must be a positive"),
                         ({"group_hours": 3}, "group_hours must be a table"),
                         ({"webhook_url": "ftp://desk"}, "webhook_url must be an http(s) URL"),
                         ({"webhook_timeout_seconds": 0}, "webhook_timeout_seconds must be"),
                         ({"hours": 3}, "unknown key(s) hours")]:
        with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
            escalation.tables(bad, "t")


# --- webhook -------------------------------------------------------------------------------------------

class HelpDesk:
    """A local HTTP server that records what it is sent and answers with `status`."""

    def __init__(self):
        self.status = 200
        self.received: list[tuple[dict, str]] = []
        desk = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if desk.status == 200:
                    desk.received.append((json.loads(body), self.headers["Idempotency-Key"]))
                self.send_response(desk.status)
                self.end_headers()
                self.wfile.write(b"" if desk.status == 200 else b"desk is down")

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/escalations"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ids(self) -> list[list[str]]:
        return [[e["conversation_id"] for e in body["escalations"]] for body, _ in self.received]


@pytest.fixture
def help_desk():
    desk = HelpDesk()
    yield desk
    desk.server.shutdown()
    desk.server.server_close()


def _notify(**kwargs):
    from transforms.escalation_webhook import notify_new_escalations
    from warehouse.db import writer

    with writer() as con:
        return notify_new_escalations(con, **kwargs)


def test_webhook_sends_each_open_escalation_once(community, help_desk):
    from transforms.escalation_webhook import EscalationWebhookError

    help_desk.status = 500
    with pytest.raises(EscalationWebhookError, match=r"answered HTTP 500: desk is down: 3 escalation\(s\) not sent"):
        _notify(url=help_desk.url, timeout_seconds=5)
    assert community.rows("select count(*) from escalation_notifications") == [(0,)]  # nothing recorded

    help_desk.status = 200
    # the three open ones (q3 is closed), oldest first, two per call
    assert _notify(url=help_desk.url, timeout_seconds=5, batch_size=2) == 3
    assert help_desk.ids() == [["c/q2", "c/zd/ticket/3"], ["c/q4"]]
    first = help_desk.received[0][0]["escalations"][0]
    assert first == {"community_id": "c", "channel": "forum", "conversation_id": "c/q2", "kind": "question",
                     "group_names": ["Billing"], "started_at": "2025-03-04T09:00:00",
                     "escalated_at": "2025-03-04T11:00:00", "allowed_hours": 2.0, "age_hours": 49.0}
    assert _notify(url=help_desk.url, timeout_seconds=5) == 0  # already sent

    community.refresh(as_of=T(2025, 3, 8))
    assert _notify(url=help_desk.url, timeout_seconds=5) == 1  # q5 escalated since
    assert help_desk.ids()[-1] == ["c/q5"]


def test_webhook_from_config_and_unreachable(community):
    assert _notify() == 0  # no webhook_url configured: nothing to do
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    community.write_config(CONFIG.replace("default_hours = 24", f'default_hours = 24\nwebhook_url = '
                                          f'"http://127.0.0.1:{port}/x"\nwebhook_timeout_seconds = 2'))
    from transforms.escalation_webhook import EscalationWebhookError

    with pytest.raises(EscalationWebhookError, match=f"127.0.0.1:{port}/x could not be reached"):
        _notify(config_path=community.config)
    assert community.rows("select count(*) from escalation_notifications") == [(0,)]


# --- real data -----------------------------------------------------------------------------------------

def test_cardano_escalations_match_the_xml(analytics_db, cardano_xml):
    as_of = T(2026, 1, 1)
    allowed = dt.timedelta(hours=48)  # the default: the analytics config sets no [marts.escalation]
    posts = cardano_xml["Posts"]
    questions = {p["Id"]: p for p in posts if p["PostTypeId"] == "1"}
    first_answer = {}
    for p in posts:
        q = questions.get(p.get("ParentId")) if p["PostTypeId"] == "2" else None
        if q is None:
            continue
        at = dt.datetime.fromisoformat(p["CreationDate"])
        user = p.get("OwnerUserId")
        asked = dt.datetime.fromisoformat(q["CreationDate"])
        if at >= asked and (user is None or (user != q.get("OwnerUserId") and int(user) >= 0)):
            first_answer[q["Id"]] = min(at, first_answer.get(q["Id"], at))
    expected = {}
    for qid, q in questions.items():
        due = dt.datetime.fromisoformat(q["CreationDate"]) + allowed
        answer = first_answer.get(qid)
        if due <= as_of and (answer is None or answer > due):
            expected[f"cardano/stackexchange/post/{qid}"] = ("open", None) if answer is None else ("closed", answer)
    rows = analytics_db.execute("select conversation_id, status, closed_at from mart_escalations "
                                "where community_id = 'cardano'").fetchall()
    assert len(expected) > 10  # not a vacuous comparison
    assert {r[0]: r[1:] for r in rows} == expected
