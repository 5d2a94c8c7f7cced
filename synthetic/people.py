"""The cast of a synthetic community: who is on which channel, under which ids, handles and e-mails.

The forum members come from the Stack Exchange generator (same seed, same people). A share of them
also post on X, in the listening tool's export, open help-desk tickets or write to the brand's
support account on X; further people are only on one of those channels. Each person keeps one name
everywhere, one e-mail address (when a help desk knows them) and an X handle derived from their name,
so a reader of the warehouse can tell they are the same person and the identity rules can be
configured for some of them.

An account is only real once its channel wrote it (an X account that never posted or was mentioned
does not exist in the data): the channel generators report the accounts they wrote, and
`Cast.settle` drops the others before the cast is shown to anyone.
"""
from __future__ import annotations

import bisect
import datetime as dt
import math
import random
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from synthetic import text
from synthetic.stackexchange import ForumMember

# Namespaces: the `namespace` of each channel's [[sources]] entry, prefix of its accounts in the
# identity configuration ('<namespace>:<source user id>').
FORUM, X, SOCIAL_CSV, HELPDESK, BILLING, TWCS = "stackexchange", "x", "social_csv", "helpdesk", "billing", "twcs"
DESKS = (HELPDESK, BILLING)
NAMESPACES = (FORUM, X, SOCIAL_CSV, HELPDESK, BILLING, TWCS)

_FIRST = ["Amara", "Bas", "Camille", "Dario", "Eun-ji", "Farah", "Gustav", "Hiro", "Ines", "Jonas", "Keira", "Luca",
          "Maya", "Nils", "Olga", "Pedro", "Rania", "Samir", "Tessa", "Ulla", "Valentina", "Wiebke", "Xavier",
          "Yara", "Zeynep", "Anouk", "Bilal", "Clara", "Dev", "Esra", "Finn", "Greta", "Hugo", "Ilse", "Jamal"]
_LAST = ["Andersen", "Bauer", "Chen", "Da Silva", "Eriksson", "Fischer", "González", "Hoffmann", "Iyer", "Jansen",
         "Kaya", "López", "Meyer", "Nakamura", "Owusu", "Petrov", "Quispe", "Richter", "Schmidt", "Torres",
         "Úlfsson", "Vogel", "Wójcik", "Yilmaz", "Zimmermann", "Adeyemi", "Brennan", "Castillo", "Dimitrou"]
_FREE_MAIL = ["mail.example", "inbox.example", "post.example", "webmail.example"]
_COMPANIES = ["Brightwater Logistics", "Kestrel Analytics", "Moss & Finch", "Northwind Health", "Tidewater Labs",
              "Copperline Media", "Juniper Robotics", "Larchmont Legal", "Saffron Retail", "Bluefjord Energy",
              "Quarry Street Studio", "Helio Freight", "Orchard Schools", "Pinecrest Bank", "Marlin Games"]
_LANGS = ["en"] * 18 + ["de", "es"]  # a few people write in German or Spanish


@dataclass(frozen=True, slots=True)
class Organization:
    """A company some customers belong to: the help desks know it as an organization."""

    name: str
    domain: str


@dataclass(slots=True, eq=False)
class Person:
    """One human being of the community, with their account on every channel they use."""

    key: int
    name: str
    since: dt.datetime      # the first time they can show up anywhere (forum join, or first contact)
    activity: float         # heavy-tailed: how much they do on the channels they use
    seed: int
    lang: str               # 'en', 'de' or 'es': the language of their social posts
    location: str | None
    organization: Organization | None = None
    email: str | None = None
    x_handle: str | None = None
    x_created: dt.datetime | None = None
    csv_handle: str | None = None
    accounts: dict[str, str] = field(default_factory=dict)  # namespace -> source user id
    link: str = "none"      # how the warehouse should find them one person: configured, email, none

    def first_name(self) -> str:
        return self.name.split()[0] if " " in self.name else self.name


@dataclass
class Cast:
    """Everyone of a community, and the organizations its customers work for."""

    people: list[Person]
    organizations: list[Organization]
    start: dt.datetime
    end: dt.datetime

    def on(self, namespace: str) -> list[Person]:
        return [p for p in self.people if namespace in p.accounts]

    def settle(self, written: dict[str, set[str]]) -> None:
        """Keep only the accounts each channel actually wrote (namespace -> source user ids), then
        decide how each person with several accounts is to be recognised as one."""
        for person in self.people:
            for namespace in list(person.accounts):
                if namespace in written and person.accounts[namespace] not in written[namespace]:
                    del person.accounts[namespace]
            if len(person.accounts) < 2:
                person.link = "none"
                continue
            roll = random.Random(person.seed ^ 0x1D).random()
            if roll < 0.55:
                person.link = "configured"  # written into [[identity.same_person]]
            elif all(ns in person.accounts for ns in DESKS):
                person.link = "email"       # found by the same address in both help desks, nothing else
            else:
                person.link = "none"        # left for a reviewer: the warehouse keeps them apart

    def cross_channel(self) -> list[Person]:
        return [p for p in self.people if len(p.accounts) >= 2]


class Picker:
    """Draws items in proportion to a weight among those available by a given time (two bisections)."""

    def __init__(self, rng: random.Random, items: Iterable, since: Callable, weight: Callable):
        self.rng = rng
        self.items = sorted(items, key=lambda i: since(i))
        self.since = [since(i) for i in self.items]
        self.cumulative: list[float] = []
        total = 0.0
        for item in self.items:
            total += max(weight(item), 0.0)
            self.cumulative.append(total)

    def pick(self, at: dt.datetime, exclude=None):
        k = bisect.bisect_right(self.since, at)
        if k == 0 or self.cumulative[k - 1] <= 0:
            return None
        for _ in range(6):
            i = bisect.bisect_right(self.cumulative, self.rng.random() * self.cumulative[k - 1], 0, k - 1)
            if self.items[i] is not exclude:
                return self.items[i]
        return None


def _ascii_words(name: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.findall(r"[A-Za-z0-9]+", plain.replace("'", ""))


def _unique(base: str, taken: set[str], limit: int, rng: random.Random) -> str:
    candidate = base[:limit]
    while candidate.lower() in taken:
        suffix = str(rng.randint(2, 999))
        candidate = base[:limit - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def handle_for(name: str, rng: random.Random, taken: set[str]) -> str:
    """An X handle made from a display name: Ana Silva → ana_silva, AnaSilva, asilva; nadia438 → nadia438.
    Letters, digits and _ only, at most 15 characters, unique (case-insensitively) among `taken`."""
    words = _ascii_words(name) or ["user"]
    if len(words) == 1:
        base = words[0].lower() if rng.random() < 0.8 else words[0] + "_"
    else:
        first, last = words[0], "".join(words[1:])
        base = rng.choice([f"{first}_{last}".lower(), f"{first}{last}", f"{first[0]}{last}".lower(),
                           f"{first}{last}".lower(), f"{first}_{last[0]}".lower()])
    return _unique(base, taken, 15, rng)


def email_for(name: str, rng: random.Random, taken: set[str], domain: str) -> str:
    words = [w.lower() for w in _ascii_words(name)] or ["customer"]
    if len(words) == 1:
        local = words[0]
    else:
        first, last = words[0], "".join(words[1:])
        local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}", f"{first}.{last[0]}"])
    return _unique(local, taken, 40, rng) + "@" + domain


def full_name(rng: random.Random) -> str:
    """A first and last name, as help desks know their customers and agents."""
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _when(rng: random.Random, start: dt.datetime, days: int) -> dt.datetime:
    # Newcomers arrive along the same growth curve as the forum's members (density 1 + 2t/T).
    offset = days * (-1 + math.sqrt(1 + 8 * rng.random())) / 2
    return start + dt.timedelta(days=offset, seconds=rng.randrange(86_400))


def build_cast(forum: list[ForumMember], *, days: int, seed: int, start: dt.datetime,
               site_name: str) -> Cast:
    """The people of a community: the forum's members first, then those who never post on the forum.

    Which channels someone uses depends on how engaged they are: the forum's core members are more
    often on X too. Everything here is drawn from its own random stream, so the channels written
    from the cast do not shift when one of them changes.
    """
    rng = random.Random(f"{seed}:{site_name}:people")
    end = start + dt.timedelta(days=days)
    n = len(forum)
    organizations = [Organization(name, re.sub(r"[^a-z]", "", name.lower().replace("&", "and")) + ".example")
                     for name in rng.sample(_COMPANIES, min(len(_COMPANIES), max(2, n // 150)))]
    people: list[Person] = []

    def add(name: str, since: dt.datetime, activity: float, location: str | None) -> Person:
        person = Person(len(people) + 1, name, since, activity, rng.getrandbits(32), rng.choice(_LANGS), location)
        people.append(person)
        return person

    for m in forum:
        person = add(m.display_name, m.joined, m.activity, m.location)
        person.accounts[FORUM] = str(m.id)
        engaged = min(1.0, math.log1p(m.activity) / math.log1p(40))
        if rng.random() < 0.12 + 0.4 * engaged:
            person.accounts[X] = ""
        if rng.random() < 0.05 + 0.12 * engaged:
            person.accounts[SOCIAL_CSV] = ""
        if rng.random() < 0.09 + 0.06 * engaged:
            person.accounts[HELPDESK] = ""
            if rng.random() < 0.3:
                person.accounts[BILLING] = ""
        elif rng.random() < 0.02:
            person.accounts[BILLING] = ""
        if rng.random() < 0.05:
            person.accounts[TWCS] = ""

    # People the forum never sees: X followers, listening-tool authors, customers who only write in.
    extras = [((X,), 0.45), ((SOCIAL_CSV,), 0.25), ((HELPDESK,), 0.12), ((HELPDESK, BILLING), 0.03),
              ((BILLING,), 0.04), ((TWCS,), 0.12), ((HELPDESK, X), 0.03), ((TWCS, X), 0.02)]
    for namespaces, share in extras:
        for _ in range(max(1, round(share * n))):
            customer = any(ns in DESKS for ns in namespaces)
            name = full_name(rng) if customer else text.display_name(rng, n + len(people) + 1)
            activity = min(rng.paretovariate(1.2), 300.0) - 0.6
            person = add(name, _when(rng, start, days), activity, rng.choice(text.LOCATIONS) or None)
            for ns in namespaces:
                person.accounts[ns] = ""

    _assign_accounts(rng, people, organizations, start, end)
    return Cast(people, organizations, start, end)


def _assign_accounts(rng: random.Random, people: list[Person], organizations: list[Organization],
                     start: dt.datetime, end: dt.datetime) -> None:
    """Handles, e-mail addresses and the ids each channel knows a person by."""
    handles: set[str] = set()
    csv_handles: set[str] = set()
    emails: set[str] = set()
    x_ids: set[int] = set()
    csv_ids = rng.sample(range(100_000, 999_999), len(people))
    twcs_ids = rng.sample(range(100_000, 999_999), len(people))
    for person, csv_id, twcs_id in zip(people, csv_ids, twcs_ids):
        own = random.Random(person.seed)
        if X in person.accounts:
            handle = handle_for(person.name, own, handles)
            person.x_handle = handle
            # Accounts are opened some time before their owner first shows up in the community.
            person.x_created = start + (min(person.since, end) - start) * own.random()
            person.accounts[X] = snowflake(own, person.x_created, x_ids)
        if SOCIAL_CSV in person.accounts:
            person.csv_handle = handle_for(person.name, own, csv_handles)
            person.accounts[SOCIAL_CSV] = str(csv_id)
        if TWCS in person.accounts:
            person.accounts[TWCS] = str(twcs_id)  # TWCS anonymises customers to numbers
        if any(ns in person.accounts for ns in DESKS):
            if organizations and own.random() < 0.3:
                person.organization = own.choice(organizations)
            domain = person.organization.domain if person.organization else own.choice(_FREE_MAIL)
            person.email = email_for(person.name, own, emails, domain)
        # Help-desk user ids are given by each desk (synthetic/support.py) when it writes its users.


_TWITTER_EPOCH_MS = 1288834974657
_UNIX = dt.datetime(1970, 1, 1)


def snowflake(rng: random.Random, when: dt.datetime, taken: set[int]) -> str:
    """An X id for something created at `when`: X's ids carry their creation time in the high bits."""
    ms = (when - _UNIX) // dt.timedelta(milliseconds=1)
    while True:
        value = ((ms - _TWITTER_EPOCH_MS) << 22) | rng.getrandbits(22)
        if value not in taken:
            taken.add(value)
            return str(value)
