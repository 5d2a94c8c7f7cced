"""Synthetic support of a community: Zendesk incremental exports and TWCS-layout conversations on X.

Both follow what the real connectors read (docs/connectors/zendesk.md, docs/connectors/twcs.md;
tests/ingest/fixtures/zendesk/export_a is the hand-written reference for the Zendesk shapes):

- **Zendesk**: one export folder per help desk (`helpdesk` for product support, `billing`), each
  with `organizations.json`, `users-N.json` (time-based pages), `tickets-N.json` (cursor-based
  pages, by update time), `ticket_events-N.json` (audits with status, priority and assignee changes,
  comments and satisfaction ratings as child events), `satisfaction_ratings-N.json` and
  `comments/<ticket id>.json`. Customers are the cast's people with their name and e-mail address;
  a customer of both desks has the same address in both (and another user id).
- **TWCS**: customers tweeting at the brand's support account and its agents' replies, in the
  layout of the "Customer Support on Twitter" dataset (customers anonymised to numbers).

Support behaves like support: agents answer within business hours (08:00-18:00 UTC, Monday to
Friday), so a ticket sent on Friday evening waits until Monday; urgent tickets are answered first;
tickets go new → open/pending → solved → closed, some are put on hold, reopened or never answered;
most customers who rate are happy, a slow or reopened ticket is rated bad more often. Support on X
answers around the clock, within an hour or so.
"""
from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from synthetic import text
from synthetic.people import BILLING, HELPDESK, TWCS, Cast, Person, full_name
from synthetic.social import brand_names
from synthetic.stackexchange import _hours, _poisson, _time_of_day

OPEN_HOUR, CLOSE_HOUR = 8, 18   # agents' working hours (UTC), Monday to Friday
TICKETS_PER_PAGE = 200          # incremental tickets export with per_page=200
EVENTS_PER_PAGE = 500
USERS_PER_PAGE = 500
RATINGS_PER_PAGE = 100
CLOSE_AFTER = dt.timedelta(days=4)       # the automation that closes solved tickets
PENDING_SOLVE_AFTER = dt.timedelta(days=5)  # ... and solves tickets the customer never answered


@dataclass(frozen=True)
class Desk:
    """A help desk of the community: its namespace, agents and what customers write about."""

    namespace: str
    title: str
    agents: int
    tickets_per_customer_year: float
    billing: bool = False


def desks_for(members: int) -> list[Desk]:
    return [Desk(HELPDESK, "Support", max(3, min(25, members // 250)), 1.6),
            Desk(BILLING, "Billing", max(2, min(6, members // 1000)), 0.8, billing=True)]


def working(t: dt.datetime) -> bool:
    return t.weekday() < 5 and OPEN_HOUR <= t.hour < CLOSE_HOUR


def _next_open(t: dt.datetime) -> dt.datetime:
    while not working(t):
        if t.weekday() >= 5 or t.hour >= CLOSE_HOUR:
            t = dt.datetime.combine(t.date() + dt.timedelta(days=1), dt.time(OPEN_HOUR))
        else:
            t = dt.datetime.combine(t.date(), dt.time(OPEN_HOUR))
    return t


def business_time(t: dt.datetime, hours: float) -> dt.datetime:
    """`t` advanced by `hours` of the agents' working time."""
    remaining = dt.timedelta(hours=hours)
    t = _next_open(t)
    while True:
        closing = dt.datetime.combine(t.date(), dt.time(CLOSE_HOUR))
        if t + remaining < closing:
            return t + remaining
        remaining -= closing - t
        t = _next_open(closing)


def _z(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _epoch(when: dt.datetime) -> int:
    return int((when - dt.datetime(1970, 1, 1)).total_seconds())


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# --- words -----------------------------------------------------------------------------------------

_BILLING_SUBJECTS = ["Charged twice this month", "Invoice shows the wrong VAT number", "Switch to annual billing",
                     "Refund for unused seats", "Update the billing address", "Card declined on renewal",
                     "Invoice for {month} missing", "Downgrade our plan"]
_BILLING_ASKS = ["Our invoice for {month} lists {n} seats but we only have {m} people on the team.",
                 "We were charged twice on the same day. Can you refund one of the payments?",
                 "Please put our new VAT number on future invoices; the old one is no longer valid.",
                 "How do we switch to annual billing, and is there a discount?",
                 "The renewal failed because the card expired. We added a new one, can you retry?"]
_BILLING_ANSWERS = ["I've corrected the invoice and sent the new one to you by e-mail.",
                    "The duplicate payment is refunded; it can take five business days to show up.",
                    "Done: future invoices carry the new VAT number.",
                    "I switched the plan to annual billing from the next renewal on.",
                    "I retried the payment and it went through, you're all set."]
_FOLLOW_UPS = ["Thanks, that worked!", "Still seeing the same problem after the change.",
               "Here is the log you asked for: attached.", "Any news on this?", "Which setting do you mean exactly?",
               "Great, thank you for the quick help."]
_NOTES = ["Escalated to engineering, see ENG-{n}.", "Customer is on the enterprise plan.",
          "Known issue, linked to problem ticket.", "Checked the logs: token expired on their side."]
_GOOD = ["Fast and clear, thanks {agent}!", "Great support as always.", "Solved quickly.", None, None]
_BAD = [("Took days to get an answer.", "Issue took too long to resolve"),
        ("The problem is not really fixed.", "Issue was not resolved"),
        ("Nobody read my first message.", "Agent didn't respond quickly"), (None, "Other")]
_VIA_LABEL = {"web": "Web form", "email": "Mail", "api": "API", "chat": "Chat", "voice": "Voice"}
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


# --- the help desk model ---------------------------------------------------------------------------

@dataclass(slots=True, eq=False)
class _User:
    id: int
    name: str
    email: str
    role: str                  # agent, admin, end-user
    created: dt.datetime
    seed: int
    lang: str = "en"
    organization: int | None = None
    last_login: dt.datetime | None = None
    person: Person | None = None


@dataclass(slots=True, eq=False)
class _Audit:
    at: dt.datetime
    updater: _User | None      # None: Zendesk's automations (updater -1)
    via: str
    comment: tuple[_User, bool, int, str] | None = None  # (author, public, seed, what: ask, call, answer, ...)
    changes: list[tuple[str, object, object, bool]] = field(default_factory=list)  # field, old, new, is_create
    rating: tuple[str, str | None, str | None] | None = None  # score, comment, reason
    id: int = 0


@dataclass(slots=True, eq=False)
class _Ticket:
    requester: _User
    submitter: _User
    created: dt.datetime
    seed: int
    via: str
    kind: str
    priority: str
    tag: str
    status: str = "new"
    assignee: _User | None = None
    audits: list[_Audit] = field(default_factory=list)
    rating: dict | None = None       # the satisfaction rating record, when one was offered
    id: int = 0

    @property
    def updated(self) -> dt.datetime:
        return self.audits[-1].at


class _HelpDesk:
    def __init__(self, cast: Cast, desk: Desk, seed: int, site_name: str):
        self.rng = rng = random.Random(f"{seed}:{site_name}:zendesk:{desk.namespace}")
        self.cast, self.desk = cast, desk
        self.start, self.end = cast.start, cast.end
        self.brand, self.slug = brand_names(site_name)
        self.subdomain = self.slug + ("" if desk.namespace == HELPDESK else "-" + desk.namespace)
        self.agents: list[_User] = []
        taken: set[str] = set()
        for i in range(desk.agents + 1):
            name = full_name(rng)
            while name in taken:
                name = full_name(rng)
            taken.add(name)
            first, last = name.lower().split(" ", 1)
            email = f"{first}.{last.replace(' ', '')}@{self.slug}.example"
            self.agents.append(_User(0, name, email, "admin" if i == 0 else "agent",
                                     self.start + dt.timedelta(minutes=5 * i), rng.getrandbits(32)))
        self.org_ids = {org.name: 360_100_000 + 1000 * (desk.namespace == BILLING) + i + 1
                        for i, org in enumerate(cast.organizations)}
        self.customers: dict[int, _User] = {}  # person key -> user
        self.tickets: list[_Ticket] = []
        # Some agents take many more tickets than others; the admin rarely answers.
        weights = [0.15] + [rng.lognormvariate(0, 0.5) for _ in self.agents[1:]]
        self.workload = list(zip(self.agents, weights))

    def _customer(self, person: Person, at: dt.datetime) -> _User:
        user = self.customers.get(person.key)
        if user is None:
            org = self.org_ids.get(person.organization.name) if person.organization else None
            user = _User(0, person.name, person.email, "end-user", at, person.seed, person.lang, org,
                         person=person)
            self.customers[person.key] = user
        return user

    def _agent(self) -> _User:
        agents, weights = zip(*self.workload)
        return self.rng.choices(agents, weights=weights)[0]

    def simulate(self, days: int) -> None:
        rng = self.rng
        for person in self.cast.on(self.desk.namespace):
            first = person.since + _hours(rng, 48.0, 1.5)
            openings = [first] if first <= self.end else []
            remaining = (self.end - person.since).days
            rate = self.desk.tickets_per_customer_year * math.sqrt(max(person.activity, 0.1)) * remaining / 365
            for _ in range(_poisson(rng, rate)):
                openings.append(person.since + dt.timedelta(seconds=rng.randrange(max(1, remaining * 86_400))))
            for at in sorted(openings):
                at = _time_of_day(rng, dt.datetime.combine(at.date(), dt.time()))
                if self.start <= at <= self.end:
                    self._ticket(self._customer(person, at), at)
        self.tickets.sort(key=lambda t: (t.created, t.seed))
        for i, ticket in enumerate(self.tickets):
            ticket.id = (1001 if self.desk.namespace == HELPDESK else 5001) + i
        self._number_users()
        self._number_events()

    def _ticket(self, customer: _User, created: dt.datetime) -> None:
        rng, end = self.rng, self.end
        via = rng.choices(["web", "email", "api", "chat", "voice"], weights=[48, 34, 4, 9, 5])[0]
        priority = rng.choices(["low", "normal", "high", "urgent"], weights=[20, 58, 16, 6])[0]
        kind = rng.choices(["question", "incident", "problem", "task"], weights=[55, 30, 5, 10])[0]
        tag = rng.choice(["billing", "invoice", "refund", "plan_change"] if self.desk.billing else
                         text.TAG_VOCABULARY)
        submitter = customer
        agent = None
        if via == "voice":  # an agent writes the call down during working hours
            created = _next_open(created)
            agent = submitter = self._agent()
        if created > end:
            return
        ticket = _Ticket(customer, submitter, created, rng.getrandbits(32), via, kind, priority, tag)
        changes = [("status", None, "open" if agent else "new", True), ("priority", None, priority, True)]
        if agent:
            changes.append(("assignee_id", None, agent, True))
            ticket.assignee = agent
        self._audit(ticket, created, submitter, _VIA_LABEL[via], comment=(submitter, True, "call" if agent else "ask"),
                    changes=changes)
        self.tickets.append(ticket)
        customer.last_login = max(customer.last_login or created, created)

        slow = False
        t = created
        if agent is None:
            if rng.random() < 0.04:
                return  # lost in the queue: never answered
            median = {"urgent": 0.5, "high": 1.5, "normal": 3.0, "low": 6.0}[priority]
            t = business_time(created, rng.lognormvariate(math.log(median), 1.0))
            if t > end:
                return
            agent = self._agent()
            slow = (t - created) > dt.timedelta(hours=24)
            if rng.random() < 0.1:
                note = t - dt.timedelta(minutes=rng.randrange(2, 30))
                if note > created:
                    self._audit(ticket, note, agent, "Web form", comment=(agent, False, "note"))
            new_status = rng.choices(["pending", "solved", "open"], weights=[60, 25, 15])[0]
            changes = [("status", ticket.status, new_status, False), ("assignee_id", None, agent, False)]
            if priority == "normal" and rng.random() < 0.08:
                changes.append(("priority", "normal", "high", False))
            ticket.assignee = agent
            self._audit(ticket, t, agent, "Web form", comment=(agent, True, "answer"), changes=changes)
        reopened = False
        for _ in range(8):
            status = ticket.status
            if status == "pending":
                if rng.random() < 0.7:
                    t = t + _hours(rng, 5.0, 1.2)
                    if t > end:
                        return
                    self._audit(ticket, t, customer, _VIA_LABEL[via if via != "voice" else "email"],
                                comment=(customer, True, "follow"), changes=[("status", "pending", "open", False)])
                else:
                    t = t + PENDING_SOLVE_AFTER
                    if t > end:
                        return
                    self._audit(ticket, t, None, "Rule", changes=[("status", "pending", "solved", False)])
            elif status in ("open", "new"):
                t = business_time(t, rng.lognormvariate(math.log(2.0), 1.0))
                if t > end:
                    return
                new_status = rng.choices(["pending", "solved", "hold"], weights=[45, 45, 10])[0]
                self._audit(ticket, t, ticket.assignee, "Web form", comment=(ticket.assignee, True, "answer"),
                            changes=[("status", status, new_status, False)])
            elif status == "hold":  # waiting for engineering
                t = business_time(t, rng.lognormvariate(math.log(16.0), 0.8))
                if t > end:
                    return
                self._audit(ticket, t, ticket.assignee, "Web form", comment=(ticket.assignee, True, "answer"),
                            changes=[("status", "hold", "solved", False)])
            elif status == "solved":
                if not reopened and rng.random() < 0.06:
                    back = t + _hours(rng, 20.0, 1.0)  # "it is broken again": only until the ticket closes
                    if back <= end and back - t < CLOSE_AFTER:
                        reopened, t = True, back
                        self._audit(ticket, t, customer, "Mail", comment=(customer, True, "follow"),
                                    changes=[("status", "solved", "open", False)])
                        continue
                return self._rate_and_close(ticket, t, slow or reopened)

    def _audit(self, ticket: _Ticket, at: dt.datetime, who: _User | None, via: str, *, comment=None,
               changes=()) -> None:
        changes = list(changes)
        for name, _, new, _ in changes:
            if name == "status":
                ticket.status = new
        if comment is not None:
            author, public, what = comment
            comment = (author, public, self.rng.getrandbits(32), what)
            if author.role == "end-user":
                author.last_login = max(author.last_login or at, at)
        ticket.audits.append(_Audit(at, who, via, comment, changes))

    def _rate_and_close(self, ticket: _Ticket, solved: dt.datetime, troubled: bool) -> None:
        rng = self.rng
        if ticket.via in ("web", "email", "chat"):
            rating = {"score": "offered", "created": solved, "updated": solved, "comment": None, "reason": None}
            ticket.rating = rating
            if rng.random() < 0.4:
                rated = solved + _hours(rng, 6.0, 1.2)
                if rated <= self.end and rated - solved < CLOSE_AFTER:
                    if rng.random() < (0.45 if troubled else 0.12):
                        comment, reason = rng.choice(_BAD)
                        score = "bad"
                    else:
                        comment = rng.choice(_GOOD)
                        comment = comment.format(agent=ticket.assignee.name.split()[0]) if comment else None
                        score, reason = "good", None
                    rating.update(score=score, updated=rated, comment=comment, reason=reason)
                    self._audit(ticket, rated, ticket.requester, "Web form")
                    ticket.audits[-1].rating = (score, comment, reason)
        self._close(ticket, solved)

    def _close(self, ticket: _Ticket, solved: dt.datetime) -> None:
        closed = solved + CLOSE_AFTER + dt.timedelta(minutes=self.rng.randrange(60))
        if ticket.status == "solved" and closed <= self.end:
            self._audit(ticket, closed, None, "Rule", changes=[("status", "solved", "closed", False)])

    def _number_users(self) -> None:
        rng = self.rng
        users = self.agents + sorted(self.customers.values(), key=lambda u: (u.created, u.seed))
        next_id = rng.randrange(360_000_000_000, 390_000_000_000)
        for user in users:
            user.id = next_id
            next_id += rng.randrange(1, 40_000)
            if user.person is not None:
                user.person.accounts[self.desk.namespace] = str(user.id)
        for agent in self.agents:
            agent.last_login = min(self.end, self.end - dt.timedelta(hours=rng.randrange(1, 200)))

    def _number_events(self) -> None:
        rng = self.rng
        audits = sorted(((a.at, t.id, i, a) for t in self.tickets for i, a in enumerate(t.audits)),
                        key=lambda e: e[:3])
        next_id = 20_000_000_000 + rng.randrange(10**9)
        for _, _, _, audit in audits:
            audit.id = next_id
            next_id += 1 + 1 + len(audit.changes) + (audit.rating is not None) + rng.randrange(3)
        ratings = sorted((t for t in self.tickets if t.rating), key=lambda t: (t.rating["created"], t.id))
        next_id = 30_000_000_000 + rng.randrange(10**9)
        for ticket in ratings:
            ticket.rating["id"] = next_id
            next_id += rng.randrange(1, 50)

    # --- payloads --------------------------------------------------------------------------------

    def api(self, path: str) -> str:
        return f"https://{self.subdomain}.zendesk.com/api/v2/{path}"

    def comment_text(self, ticket: _Ticket, seed: int, what: str, author: _User) -> str:
        rng = random.Random(seed)
        first = ticket.requester.name.split()[0]
        if what in ("ask", "call"):
            return self.description(ticket)
        if what == "note":
            return rng.choice(_NOTES).format(n=rng.randrange(1000, 9999))
        if what == "follow":
            return rng.choice(_FOLLOW_UPS)
        if self.desk.billing:
            body = rng.choice(_BILLING_ANSWERS)
        else:
            body = "\n\n".join(p.strip("`") for p in text.answer_paragraphs(rng, ticket.tag))
        return f"Hi {first},\n\n{body}\n\nBest,\n{author.name.split()[0]}"

    def subject(self, ticket: _Ticket) -> str:
        rng = random.Random(ticket.seed)
        if self.desk.billing:
            return rng.choice(_BILLING_SUBJECTS).format(month=rng.choice(_MONTHS))
        title = text.question_title(rng, ticket.tag)
        return ("Phone: " + title) if ticket.via == "voice" else title

    def description(self, ticket: _Ticket) -> str:
        rng = random.Random(ticket.seed ^ 0xDE5)
        if self.desk.billing:
            body = rng.choice(_BILLING_ASKS).format(month=rng.choice(_MONTHS), n=rng.randint(12, 60),
                                                    m=rng.randint(3, 11))
        else:
            body = "\n\n".join(p.strip("`") for p in text.question_paragraphs(rng, ticket.tag))
        if ticket.via == "voice":
            return f"Call with {ticket.requester.name.split()[0]}: {body}"
        return body

    def ticket_object(self, ticket: _Ticket) -> dict:
        subject = self.subject(ticket)
        if ticket.rating is None:
            satisfaction = {"score": "unoffered"}
        elif ticket.rating["score"] == "offered":
            satisfaction = {"score": "offered"}
        else:
            satisfaction = {"id": ticket.rating["id"], "score": ticket.rating["score"],
                            "comment": ticket.rating["comment"]}
            if ticket.rating["reason"]:
                satisfaction["reason"] = ticket.rating["reason"]
        tags = [ticket.tag.replace("-", "_")] + ([ticket.priority] if ticket.priority == "urgent" else [])
        return {
            "url": self.api(f"tickets/{ticket.id}.json"), "id": ticket.id, "external_id": None,
            "via": {"channel": ticket.via, "source": {"from": {}, "to": {}, "rel": None}},
            "created_at": _z(ticket.created), "updated_at": _z(ticket.updated),
            "generated_timestamp": _epoch(ticket.updated), "type": ticket.kind, "subject": subject,
            "raw_subject": subject, "description": self.description(ticket), "priority": self._priority(ticket),
            "status": ticket.status, "recipient": f"support@{self.slug}.example" if ticket.via == "email" else None,
            "requester_id": ticket.requester.id, "submitter_id": ticket.submitter.id,
            "assignee_id": ticket.assignee.id if ticket.assignee else None,
            "organization_id": ticket.requester.organization, "group_id": self._group(),
            "collaborator_ids": [], "follower_ids": [], "email_cc_ids": [], "forum_topic_id": None,
            "problem_id": None, "has_incidents": False, "is_public": True, "due_at": None, "tags": tags,
            "custom_fields": [], "satisfaction_rating": satisfaction, "sharing_agreement_ids": [],
            "followup_ids": [], "ticket_form_id": 360_000_112_233, "brand_id": 360_000_445_566,
            "allow_channelback": False, "allow_attachments": True, "from_messaging_channel": False,
        }

    def _priority(self, ticket: _Ticket) -> str:
        priority = ticket.priority
        for audit in ticket.audits:
            for name, _, new, _ in audit.changes:
                if name == "priority":
                    priority = new
        return priority

    def _group(self) -> int:
        return 360_009_001 if self.desk.namespace == HELPDESK else 360_009_002

    def comments(self, ticket: _Ticket) -> Iterator[dict]:
        for audit in ticket.audits:
            if audit.comment is None:
                continue
            author, public, seed, what = audit.comment
            body = self.comment_text(ticket, seed, what, author)
            paragraphs = "".join(f'<p dir="auto">{html.escape(p, quote=False)}</p>' for p in body.split("\n\n"))
            yield {"id": audit.id + 1, "type": "Comment", "author_id": author.id, "body": body,
                   "html_body": f'<div class="zd-comment" dir="auto">{paragraphs}</div>', "plain_body": body,
                   "public": public, "attachments": [], "audit_id": audit.id,
                   "via": {"channel": "web" if audit.via != "Mail" else "email",
                           "source": {"from": {}, "to": {}, "rel": None}},
                   "created_at": _z(audit.at), "metadata": {"system": {}, "custom": {}}}

    def audit_object(self, ticket: _Ticket, audit: _Audit) -> dict:
        children = []
        child_id = audit.id + 1
        if audit.comment is not None:
            children.append({"id": child_id, "via": audit.via, "via_reference_id": None, "comment_present": True,
                             "comment_public": audit.comment[1], "event_type": "Comment"})
            child_id += 1
        for name, old, new, created in audit.changes:
            child = {"id": child_id, "via": audit.via, "via_reference_id": None,
                     name: new.id if isinstance(new, _User) else new}
            if not created:
                child["previous_value"] = old.id if isinstance(old, _User) else old
            child["event_type"] = "Create" if created else "Change"
            children.append(child)
            child_id += 1
        if audit.rating is not None:
            score, comment, _ = audit.rating
            children.append({"id": child_id, "via": audit.via, "via_reference_id": None, "type": "SatisfactionRating",
                             "score": score, "assignee_id": ticket.assignee.id if ticket.assignee else None,
                             "body": comment or "", "event_type": "SatisfactionRating"})
        updater_id = audit.updater.id if audit.updater is not None else -1
        return {"id": audit.id, "ticket_id": ticket.id, "timestamp": _epoch(audit.at), "created_at": _z(audit.at),
                "updater_id": updater_id, "via": audit.via,
                "system": {"client": "Mozilla/5.0", "location": None, "latitude": None, "longitude": None},
                "metadata": {}, "event_type": "Audit", "child_events": children}

    def user_object(self, user: _User) -> dict:
        staff = user.role != "end-user"
        locale = {"en": "en-US", "de": "de-DE", "es": "es-ES"}[user.lang]
        return {"id": user.id, "url": self.api(f"users/{user.id}.json"), "name": user.name, "email": user.email,
                "created_at": _z(user.created), "updated_at": _z(user.created), "time_zone": "London",
                "iana_time_zone": "Europe/London", "phone": None, "shared_phone_number": None, "photo": None,
                "locale_id": 1, "locale": locale, "organization_id": user.organization, "role": user.role,
                "verified": True, "external_id": None, "tags": [], "alias": "", "active": True, "shared": False,
                "shared_agent": False, "last_login_at": _z(user.last_login) if user.last_login else None,
                "two_factor_auth_enabled": None,
                "signature": f"{user.name}, {self.brand} {self.desk.title}" if staff else None,
                "details": "", "notes": "", "role_type": None, "custom_role_id": None, "moderator": staff,
                "ticket_restriction": None if staff else "requested", "only_private_comments": False,
                "restricted_agent": not staff, "suspended": False,
                "default_group_id": self._group() if staff else None, "report_csv": user.role == "admin",
                "user_fields": {}}

    def organization_objects(self) -> list[dict]:
        out = []
        for i, org in enumerate(self.cast.organizations):
            org_id = self.org_ids[org.name]
            created = _z(self.start + dt.timedelta(hours=1 + i))
            out.append({"url": self.api(f"organizations/{org_id}.json"), "id": org_id, "name": org.name,
                        "shared_tickets": False, "shared_comments": False, "external_id": None,
                        "created_at": created, "updated_at": created, "domain_names": [org.domain], "details": "",
                        "notes": "", "group_id": None, "tags": [], "organization_fields": {}})
        return out

    def rating_object(self, ticket: _Ticket) -> dict:
        r = ticket.rating
        obj = {"url": self.api(f"satisfaction_ratings/{r['id']}.json"), "id": r["id"],
               "assignee_id": ticket.assignee.id if ticket.assignee else None, "group_id": self._group(),
               "requester_id": ticket.requester.id, "ticket_id": ticket.id, "score": r["score"],
               "created_at": _z(r["created"]), "updated_at": _z(r["updated"]), "comment": r["comment"]}
        if r["reason"]:
            obj["reason"] = r["reason"]
        return obj


# --- writing an export -----------------------------------------------------------------------------

def _pages(items: list, size: int) -> Iterator[tuple[int, list, bool]]:
    for n, i in enumerate(range(0, max(len(items), 1), size), start=1):
        yield n, items[i:i + size], i + size >= len(items)


def _write(path: Path, obj) -> None:
    path.write_text(_json(obj) + "\n", encoding="utf-8")


def _write_export(folder: Path, desk: _HelpDesk) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "comments").mkdir(exist_ok=True)
    end_time = _epoch(desk.end)
    orgs = desk.organization_objects()
    _write(folder / "organizations.json", {
        "organizations": orgs, "next_page": desk.api(f"incremental/organizations.json?start_time={end_time}"),
        "count": len(orgs), "end_of_stream": True, "end_time": end_time})

    users = sorted(desk.agents + list(desk.customers.values()), key=lambda u: (u.created, u.id))
    for n, page, last in _pages(users, USERS_PER_PAGE):
        page_end = end_time if last else _epoch(page[-1].created)
        _write(folder / f"users-{n}.json", {
            "users": [desk.user_object(u) for u in page],
            "next_page": desk.api(f"incremental/users.json?start_time={page_end}"),
            "count": len(page), "end_of_stream": last, "end_time": page_end})

    tickets = sorted(desk.tickets, key=lambda t: (t.updated, t.id))
    comments = 0
    for n, page, last in _pages(tickets, TICKETS_PER_PAGE):
        cursor = None
        if page:
            cursor = base64.b64encode(f"{_epoch(page[-1].updated)}.0||{page[-1].id}|".encode()).decode()
        _write(folder / f"tickets-{n}.json", {
            "tickets": [desk.ticket_object(t) for t in page],
            "after_url": desk.api(f"incremental/tickets/cursor.json?cursor={cursor}") if cursor else None,
            "after_cursor": cursor, "before_url": None, "before_cursor": None, "end_of_stream": last})
        for ticket in page:  # the comments of each ticket, as /api/v2/tickets/{id}/comments.json returns them
            own = list(desk.comments(ticket))
            _write(folder / "comments" / f"{ticket.id}.json",
                   {"comments": own, "next_page": None, "previous_page": None, "count": len(own)})
            comments += len(own)

    audits = sorted(((a, t) for t in desk.tickets for a in t.audits), key=lambda e: (e[0].at, e[0].id))
    changes = sum(len(a.changes) for a, _ in audits)
    for n, page, last in _pages(audits, EVENTS_PER_PAGE):
        page_end = end_time if last else _epoch(page[-1][0].at)
        _write(folder / f"ticket_events-{n}.json", {
            "ticket_events": [desk.audit_object(t, a) for a, t in page],
            "next_page": desk.api(f"incremental/ticket_events.json?start_time={page_end}"),
            "count": len(page), "end_of_stream": last, "end_time": page_end})

    rated = sorted((t for t in desk.tickets if t.rating), key=lambda t: (t.rating["updated"], t.rating["id"]))
    pages = list(_pages(rated, RATINGS_PER_PAGE))
    for n, page, last in pages:
        _write(folder / f"satisfaction_ratings-{n}.json", {
            "satisfaction_ratings": [desk.rating_object(t) for t in page],
            "next_page": None if last else desk.api(f"satisfaction_ratings.json?page={n + 1}"),
            "previous_page": desk.api(f"satisfaction_ratings.json?page={n - 1}") if n > 1 else None,
            "count": len(rated)})
    return {"tickets": len(tickets), "users": len(users), "agents": len(desk.agents),
            "organizations": len(orgs), "ticket_events": len(audits), "changes": changes, "comments": comments,
            "satisfaction_ratings": len(rated)}


def generate_zendesk(out_dir: Path | str, cast: Cast, *, members: int, days: int, seed: int,
                     site_name: str) -> tuple[dict, dict[str, set[str]]]:
    """Write one export folder per help desk into `out_dir` (`helpdesk/`, `billing/`).

    Returns (counts per desk namespace, the user ids each desk wrote). Counts: tickets, users,
    agents, organizations, ticket_events (audits), changes (status, priority and assignee changes
    in them), comments, satisfaction_ratings.
    """
    counts, written = {}, {}
    for desk in desks_for(members):
        model = _HelpDesk(cast, desk, seed, site_name)
        model.simulate(days)
        counts[desk.namespace] = _write_export(Path(out_dir) / desk.namespace, model)
        written[desk.namespace] = {str(u.id) for u in model.customers.values()}
    return counts, written


# --- TWCS --------------------------------------------------------------------------------------------

TWCS_FILE = "twcs.csv"
TWCS_COLUMNS = ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
                "in_response_to_tweet_id"]
_CUSTOMER_OPENERS = ["@{brand} my {thing} {problem} since the update, any idea?",
                     "@{brand} why does {thing} keep failing?? 3rd time today",
                     "@{brand} is {thing} down? can't get anything done",
                     "@{brand} hi, how do I {action} {thing}? can't find it in the settings",
                     "@{brand} been waiting two days for an answer to my ticket & still nothing"]
_CUSTOMER_REPLIES = ["@{brand} done, sent you a DM", "@{brand} still broken 😡", "@{brand} that fixed it, thanks!",
                     "@{brand} version {version}, on {os}", "@{brand} ok will try that"]
_AGENT_REPLIES = ["@{customer} Sorry to hear that! Could you DM us the email on your account so we can check? ^{sig}",
                  "@{customer} Thanks for reaching out. Does it also happen after signing out and back in? ^{sig}",
                  "@{customer} We're aware of an issue with {thing} and working on a fix. Updates on our status "
                  "page. ^{sig}",
                  "@{customer} Glad to hear it's working now! ^{sig}",
                  "@{customer} You can {action} {thing} under Settings > Workspace. Let us know if that helps! ^{sig}"]
_THINGS = ["the app", "sync", "login", "the dashboard", "my export", "notifications", "the API"]
_PROBLEMS = ["crashes", "is super slow", "logs me out", "won't load", "shows an error"]


@dataclass(slots=True, eq=False)
class _Tweet:
    author: str
    inbound: bool
    created: dt.datetime
    seed: int
    what: str                    # opener, reply, answer
    customer: str                # whose conversation it is
    parent: _Tweet | None = None
    parent_id: int | None = None  # a tweet the dataset did not collect
    replies: list = field(default_factory=list)
    id: int = 0


def _twcs_conversations(cast: Cast, rng: random.Random, days: int, brand: str) -> list[_Tweet]:
    tweets: list[_Tweet] = []
    end = cast.end

    def tweet(customer: str, inbound: bool, at: dt.datetime, what: str, parent: _Tweet | None) -> _Tweet:
        """A tweet of `customer`'s conversation: theirs when inbound, else the brand's."""
        item = _Tweet(customer if inbound else brand, inbound, at, rng.getrandbits(32), what, customer, parent)
        if parent is not None:
            parent.replies.append(item)
        tweets.append(item)
        return item

    def answer_delay(at: dt.datetime) -> dt.timedelta:
        night = at.hour < 7 or at.hour >= 22  # a smaller team covers the night
        return _hours(rng, 2.5 if night else 0.5, 1.0)

    for person in cast.on(TWCS):
        customer = person.accounts[TWCS]
        remaining = max(1, (end - person.since).days)
        starts = [person.since + _hours(rng, 24.0, 1.5)]
        starts += [person.since + dt.timedelta(seconds=rng.randrange(remaining * 86_400))
                   for _ in range(_poisson(rng, 2.0 * math.sqrt(max(person.activity, 0.1)) * remaining / 365))]
        for at in sorted(starts):
            if not cast.start <= at <= end:
                continue
            if rng.random() < 0.03:  # the customer's first tweet was not collected: the brand's answer opens it
                last = tweet(customer, False, at + answer_delay(at), "answer", None)
                last.parent_id = -1
                if last.created > end:
                    tweets.remove(last)
                    continue
            else:
                last = tweet(customer, True, at, "opener", None)
            for _ in range(4):
                if last.inbound:
                    if rng.random() < (0.9 if last.what == "opener" else 0.75):
                        when = last.created + answer_delay(last.created)
                        if when > end:
                            break
                        last = tweet(customer, False, when, "answer", last)
                    else:
                        break
                else:
                    if rng.random() < 0.55:
                        when = last.created + _hours(rng, 0.4, 1.2)
                        if when > end:
                            break
                        last = tweet(customer, True, when, "reply", last)
                    else:
                        break
    tweets.sort(key=lambda t: (t.created, t.seed))
    next_id = 1_000_000 + rng.randrange(1_000_000)
    for item in tweets:
        if item.parent_id == -1:
            item.parent_id = next_id  # an id that is not in the file
            next_id += 1
        item.id = next_id
        next_id += 1 + (rng.random() < 0.05)
    return tweets


def generate_twcs(out_dir: Path | str, cast: Cast, *, days: int, seed: int,
                  site_name: str) -> tuple[dict, set[str]]:
    """Write `twcs.csv` (TWCS layout) into `out_dir`; (counts, customer ids written)."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{seed}:{site_name}:twcs")
    brand = brand_names(site_name)[0] + "Support"
    signatures = ["".join(w[0] for w in full_name(rng).split()) for _ in range(4)]
    tweets = _twcs_conversations(cast, rng, days, brand)
    customers: set[str] = set()
    with open(folder / TWCS_FILE, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(TWCS_COLUMNS)
        for item in tweets:
            words = random.Random(item.seed)
            fill = dict(brand=brand, thing=words.choice(_THINGS), problem=words.choice(_PROBLEMS),
                        action=words.choice(["reset", "export", "share", "turn off"]),
                        version=words.choice(["3.0.1", "3.1", "3.2"]),
                        os=words.choice(["iOS 18", "Android", "Windows"]))
            if item.inbound:
                customers.add(item.author)
                pool = _CUSTOMER_OPENERS if item.what == "opener" else _CUSTOMER_REPLIES
                body = words.choice(pool).format(**fill)
            else:
                body = words.choice(_AGENT_REPLIES).format(customer=item.customer, sig=words.choice(signatures), **fill)
            body = html.escape(body, quote=False)  # X delivers text HTML-escaped
            parent = item.parent.id if item.parent else item.parent_id
            out.writerow([item.id, item.author, "True" if item.inbound else "False",
                          item.created.strftime("%a %b %d %H:%M:%S +0000 %Y"), body,
                          ",".join(str(r.id) for r in item.replies), parent if parent is not None else ""])
    roots = sum(1 for t in tweets if t.parent is None)
    answered = sum(1 for t in tweets if t.parent is None and (not t.inbound or t.replies))
    return {"tweets": len(tweets), "conversations": roots, "answered": answered, "customers": len(customers),
            "inbound": sum(t.inbound for t in tweets)}, customers
