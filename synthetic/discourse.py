"""Synthetic Discourse forum: a deterministic community written as the JSON API's responses.

The `discourse` connector (ingest/discourse/) reads a forum over HTTP; this module writes the
answers a forum would give to every call it makes, one file per response, so the connector can be
run on a forum of any size: `serve_folder` serves the folder on 127.0.0.1 like a Discourse host.

The community is the one synthetic/stackexchange.py simulates for the same arguments (same members,
same questions, answers and comments at the same times): questions become topics, answers and
comments become posts, up votes become likes and accepted answers the solved plugin's. Discourse
adds what a Discourse forum has and a Q&A site has not: categories with subcategories and their
"About the … category" topics by `system` (user -1), an "Introduce yourself" thread that grows
with every newcomer (long enough to need `/t/{id}/posts.json`), monthly release announcements by the
community manager (an admin), two moderators, staff whispers, moderator posts on duplicates, and
"closed" small actions. The welcome topic and the newest release are pinned globally: they head
page 0 of /latest however old they are. The files are what a staff API key sees (whispers included).
Activity stays heavy-tailed, reply delays log-normal, and some topics are never answered. Text is
rebuilt from each item's own seed while the files are written.

Files, named by the request they answer (`response_file` maps one to the other):

    GET /latest.json?order=activity&page=N              latest/page-N.json   (30 topics a page)
    GET /categories.json?include_subcategories=true     categories.json
    GET /t/{id}.json                                    t/{id}.json          (the first 20 posts)
    GET /t/{id}/posts.json?post_ids[]=...               t/{id}/posts-K.json  (K = 1, 2, ...: the
        topic's posts beyond the first chunk, 20 at a time, each file the response to asking for
        exactly those ids; any other selection of the topic's post ids is answered from the
        topic's files, as the forum answers it from its database)
    GET /u/{username}.json                              u/{username}.json    (lowercase; every author)

The same arguments always give byte-identical files; files of an earlier forum in the same folder
are removed first. JSON is encoded as Rails encodes it (compact, UTF-8, with <, > and & escaped as
\\u003c, \\u003e and \\u0026).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import random
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from synthetic import text
from synthetic.people import handle_for
# The forum community model of the Stack Exchange generator: the same simulation, so the two
# forums of a seed share their members and their questions.
from synthetic.stackexchange import _Comment, _Member, _People, _Post, _hours, _poisson, _post_text, _simulate

TOPICS_PER_PAGE = 30  # the forum's topics_per_page setting (Discourse's default)
CHUNK_SIZE = 20       # posts on a topic page, and post ids per posts.json file (Discourse's chunk_size)
LIKE = 2              # PostActionType id of a like in actions_summary
SYSTEM_ID = -1

# post_type
REGULAR, MODERATOR_ACTION, SMALL_ACTION, WHISPER = 1, 2, 3, 4


# -- the model ----------------------------------------------------------------------------------------

@dataclass(slots=True, eq=False)
class _User:
    id: int
    username: str
    name: str            # "" when the member gave none (Discourse shows the username then)
    joined: dt.datetime
    last_seen: dt.datetime | None
    location: str | None = None
    website: str | None = None
    admin: bool = False
    moderator: bool = False
    title: str | None = None
    trust_level: int = 0
    posts: int = 0
    last_posted: dt.datetime | None = None

    @property
    def staff(self) -> bool:
        return self.admin or self.moderator


@dataclass(slots=True, eq=False)
class _DPost:
    created: dt.datetime
    author: _User
    what: str                      # which text to rebuild: question, answer, comment, intro, ...
    seed: int
    ref: object = None             # the Stack Exchange post or comment it comes from, or a topic
    post_type: int = REGULAR
    reply_to: _DPost | None = None
    likes: int = 0
    edited_at: dt.datetime | None = None
    action_code: str | None = None
    topic: _Topic = None           # type: ignore[assignment]
    number: int = 0
    id: int = 0
    reads: int = 0
    replies: int = 0


@dataclass(slots=True, eq=False)
class _Category:
    id: int
    name: str
    slug: str
    color: str
    description: str
    parent: _Category | None = None
    solved: bool = False           # the solved plugin is enabled here: topics can have an answer
    uncategorized: bool = False
    about: _Topic | None = None
    children: list[_Category] = field(default_factory=list)
    topics: list[_Topic] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class _Topic:
    title: str
    category: _Category
    created: dt.datetime
    tags: tuple[str, ...] = ()
    views: int = 0
    pinned: bool = False           # pinned globally: heads /latest whatever its age
    closed: bool = False
    posts: list[_DPost] = field(default_factory=list)
    accepted: _DPost | None = None
    duplicate_of: _Topic | None = None
    id: int = 0
    slug: str = ""

    @property
    def bumped_at(self) -> dt.datetime:
        # Small actions and whispers do not bump a topic.
        return max(p.created for p in self.posts if p.post_type in (REGULAR, MODERATOR_ACTION))

    @property
    def like_count(self) -> int:
        return sum(p.likes for p in self.posts)


@dataclass(slots=True)
class _Forum:
    brand: str
    host: str
    start: dt.datetime
    end: dt.datetime
    system: _User
    categories: list[_Category]
    topics: list[_Topic] = field(default_factory=list)
    users: dict[int, _User] = field(default_factory=dict)  # authors, by id

    def all_categories(self) -> list[_Category]:
        return [c for top in self.categories for c in (top, *top.children)]


def _ms(t: dt.datetime) -> dt.datetime:
    """Times as the API shows them (milliseconds), so order and ties are those of the files."""
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


def slugify(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower().replace("'", ""))
    return "-".join(words)[:80].strip("-") or "topic"


# -- members as Discourse accounts ---------------------------------------------------------------------

class _Accounts:
    """Discourse accounts of the community's members, made when they first post."""

    def __init__(self, rng: random.Random, members: list[_Member], end: dt.datetime, forum: _Forum):
        self.rng, self.end, self.forum = rng, end, forum
        self.taken = {"system", "discobot", "admin", "moderator", "staff"}
        self.by_member: dict[_Member, _User] = {}
        self.anonymized: dict[str, _User] = {}
        self.next_anon_id = len(members) + 1
        # Staff: the community manager (an admin) among the members of the launch week, and the two
        # most active answerers after them as moderators.
        early = [m for m in members if m.joined <= members[0].joined + dt.timedelta(days=7)] or members[:1]
        self.admin = max(early, key=lambda m: (m.answer_w, -m.id))
        ranked = sorted((m for m in members if m is not self.admin), key=lambda m: (-m.answer_w, m.id))
        self.moderators = ranked[:2]

    def of(self, member: _Member) -> _User:
        user = self.by_member.get(member)
        if user is None:
            # The same draws as Users.xml of the Stack Exchange dump: same name, location, website.
            rng = random.Random(member.seed)
            display = text.display_name(rng, member.id)
            last_access = min(self.end, member.last_seen + dt.timedelta(hours=rng.expovariate(1 / 48)))
            website = f"https://example.org/~{member.id}" if rng.random() < 0.1 else None
            location = rng.choice(text.LOCATIONS) or None
            username = handle_for(display, self.rng, self.taken)
            # Members whose name is a handle ("lena123") left the name field of their profile empty.
            name = display if " " in display else ""
            user = _User(member.id, username, name, _ms(member.joined), _ms(last_access), location, website)
            if member is self.admin:
                user.admin, user.title = True, "Community Manager"
            elif member in self.moderators:
                user.moderator, user.title = True, "Moderator"
            self.by_member[member] = user
        return self._posted(user)

    def deleted(self, key: str, when: dt.datetime) -> _User:
        """The account of a member who deleted theirs: Discourse anonymizes it and keeps its posts."""
        user = self.anonymized.get(key)
        if user is None:
            username = f"anon{random.Random(key).getrandbits(32):08x}"
            self.taken.add(username)
            user = _User(self.next_anon_id, username, "", _ms(when - dt.timedelta(days=30)), None)
            self.next_anon_id += 1
            self.anonymized[key] = user
        return self._posted(user)

    def _posted(self, user: _User) -> _User:
        self.forum.users.setdefault(user.id, user)
        return user


# -- building the forum -------------------------------------------------------------------------------

_COLORS = ["0088CC", "BF1E2E", "F1592A", "12A89D", "25AAE2", "652D90", "92278F", "3AB54A", "ED207B", "8C6238"]


def _categories(brand: str, questions: list[_Post]) -> list[_Category]:
    def category(cid: int, name: str, description: str, **flags) -> _Category:
        return _Category(cid, name, slugify(name), _COLORS[(cid - 1) % len(_COLORS)], description, **flags)

    top = [
        category(1, "Uncategorized", "Topics that don't need a category, or don't fit into any other existing "
                 "category.", uncategorized=True),
        category(2, "Announcements", f"News and releases from the {brand} team."),
        category(3, "Support", f"Ask for help with {brand}: installing, configuring and using it.", solved=True),
        category(4, "Ideas", f"Feature requests and ideas to make {brand} better."),
        category(5, "Lounge", f"Introduce yourself and talk about anything related to {brand}."),
        category(6, "Site Feedback", "Discussion about this site, its organization, how it works, and how we can "
                 "improve it.", solved=True),
    ]
    # The Support subcategories: the community's four most asked-about subjects.
    counts: dict[str, int] = {}
    for q in questions:
        counts[q.tags[0]] = counts.get(q.tags[0], 0) + 1
    for cid, tag in enumerate(sorted(counts, key=lambda t: (-counts[t], t))[:4], start=len(top) + 1):
        name = tag.replace("-", " ").capitalize()
        child = category(cid, name, f"Questions about {tag} in {brand}.", parent=top[2], solved=True)
        top[2].children.append(child)
    return top


def _category_of(rng: random.Random, categories: list[_Category], title: str, tag: str) -> _Category:
    uncategorized, _, support, ideas, lounge, feedback = categories
    if title.startswith("Feature request") or tag == "feature-request":
        return ideas
    roll = rng.random()
    if roll < 0.02:
        return uncategorized
    if roll < 0.06:
        return lounge
    if roll < 0.09:
        return feedback
    return next((c for c in support.children if c.name == tag.replace("-", " ").capitalize()), support)


def _build(members: int, days: int, seed: int, start: dt.datetime, site_name: str) -> _Forum:
    end = start + dt.timedelta(days=days)
    community = _simulate(random.Random(f"{seed}:{site_name}"), members, days, start)
    rng = random.Random(f"{seed}:{site_name}:discourse")
    brand = site_name.strip().title() or "Example"
    host = f"forum.{slugify(site_name)}.example"
    questions = [p for p in community.posts if p.kind == 1]
    system = _User(SYSTEM_ID, "system", "system", start, None, admin=True, moderator=True, trust_level=4)
    forum = _Forum(brand, host, start, end, system, _categories(brand, questions))
    forum.users[SYSTEM_ID] = system
    accounts = _Accounts(rng, community.members, end, forum)

    def topic(title, category, created, first: _DPost, counted: bool = True, **kw) -> _Topic:
        t = _Topic(title, category, _ms(created), **kw)
        _add(t, first)
        forum.topics.append(t)
        if counted:  # a category's own "About" topic is not in its topic_count
            category.topics.append(t)
        return t

    # The forum's setup: each category's "About" topic, and the welcome topic pinned globally.
    for i, category in enumerate(forum.all_categories()):
        if category.uncategorized:
            continue
        when = start + dt.timedelta(minutes=5 + i)
        category.about = topic(f"About the {category.name} category", category, when,
                               _DPost(when, system, "about", rng.getrandbits(32), ref=category),
                               counted=False, views=rng.randrange(5, 60))
    welcome_at = start + dt.timedelta(minutes=30)
    topic(f"Welcome to the {brand} community", forum.categories[1], welcome_at,
          _DPost(welcome_at, system, "welcome", rng.getrandbits(32)), pinned=True,
          views=int(members * rng.uniform(0.5, 0.8)))

    _questions(rng, forum, community, accounts, questions, topic)
    _introductions(rng, forum, community, accounts, topic)
    _announcements(rng, forum, community, accounts, topic)
    for t in forum.topics:
        _close(rng, forum, accounts, t)
    _number(rng, forum)
    _finish_users(forum)
    return forum


def _add(t: _Topic, post: _DPost) -> _DPost:
    post.topic = t
    post.created = _ms(post.created)
    if post.edited_at is not None:
        post.edited_at = _ms(post.edited_at)
    t.posts.append(post)
    return post


def _questions(rng, forum, community, accounts, questions, topic) -> None:
    """Each question of the simulated community as a topic; its answers and comments as posts."""
    answers: dict[_Post, list[_Post]] = {}
    comments: dict[_Post, list[_Comment]] = {}
    for post in community.posts:
        if post.kind == 2:
            answers.setdefault(post.parent, []).append(post)
    for c in community.comments:
        comments.setdefault(c.post, []).append(c)
    duplicates = {link[1]: link[2] for link in community.links if link[3] == 3}
    moderators = [accounts.admin, *accounts.moderators]
    by_question: dict[_Post, _Topic] = {}

    def author(post: _Post) -> _User:
        return accounts.of(post.owner) if post.owner is not None else accounts.deleted(post.deleted_owner, post.created)

    for q in questions:
        title, _ = _post_text(q)
        category = _category_of(rng, forum.categories, title, q.tags[0])
        first = _DPost(q.created, author(q), "question", q.seed, ref=q, likes=q.up, edited_at=q.edited_at)
        t = topic(title, category, q.created, first, tags=q.tags, views=q.views)
        by_question[q] = t
        asked_back: list[_DPost] = []
        for c in comments.get(q, []):
            # The asker answering a clarifying question replies to it; other comments to the topic.
            target = next((p for p in reversed(asked_back) if p.created < _ms(c.created)), None) if c.by_asker else None
            post = _add(t, _DPost(c.created, accounts.of(c.user), "comment", c.seed, ref=c, reply_to=target,
                                  likes=c.score))
            if not c.by_asker:
                asked_back.append(post)
        for a in answers.get(q, []):
            answer = _add(t, _DPost(a.created, author(a), "answer", a.seed, ref=a, likes=a.up, edited_at=a.edited_at))
            if q.accepted is a and category.solved:
                t.accepted = answer
            for c in comments.get(a, []):
                _add(t, _DPost(c.created, accounts.of(c.user), "comment", c.seed, ref=c, reply_to=answer,
                               likes=c.score))
        # Now and then a moderator leaves a note only staff can see.
        if category.solved and rng.random() < 0.05:
            when = q.created + _hours(rng, 3.0, 1.0)
            staff = [m for m in moderators if m.joined <= when]
            if staff and when <= forum.end:
                _add(t, _DPost(when, accounts.of(rng.choice(staff)), "whisper", rng.getrandbits(32),
                               post_type=WHISPER))
        if q.closed_at is not None:
            t.closed = True  # closed by a moderator: the small action is written in _close
            t.duplicate_of = duplicates.get(q)
    for t in forum.topics:
        if t.duplicate_of is not None:
            t.duplicate_of = by_question.get(t.duplicate_of)


def _introductions(rng, forum, community, accounts, topic) -> None:
    """The "Introduce yourself" thread: a share of newcomers post in it; the manager welcomes some."""
    admin = accounts.admin
    opened = admin.joined + dt.timedelta(hours=1)
    if opened > forum.end:
        return
    manager = accounts.of(admin)
    lounge = forum.categories[4]
    t = topic("Introduce yourself!", lounge, opened, _DPost(opened, manager, "introduce", rng.getrandbits(32),
                                                            likes=_poisson(rng, 4)))
    for m in community.members:
        if m is admin or rng.random() >= (0.25 if m.answer_w > 0 else 0.08):
            continue
        when = max(m.joined, opened) + _hours(rng, 6.0, 1.5)
        if when > forum.end:
            continue
        intro = _add(t, _DPost(when, accounts.of(m), "intro", rng.getrandbits(32), likes=_poisson(rng, 1.5)))
        if rng.random() < 0.35:
            welcomed = when + _hours(rng, 3.0, 1.2)
            if welcomed <= forum.end:
                _add(t, _DPost(welcomed, manager, "welcome_reply", rng.getrandbits(32), reply_to=intro,
                               likes=_poisson(rng, 0.3)))
    t.views = int(len(t.posts) * rng.uniform(6, 12))


def _announcements(rng, forum, community, accounts, topic) -> None:
    """A release a month, announced by the community manager; members thank, ask, complain."""
    admin = accounts.admin
    readers = _People(rng, community.members, "comment_w")
    major, minor = 3, 0
    day = 14
    newest = None
    while day < (forum.end - forum.start).days:
        when = forum.start + dt.timedelta(days=day, hours=9, minutes=rng.randrange(120))
        day += 30
        minor += 1
        if when < admin.joined:
            continue
        version = f"{major}.{minor}"
        manager = accounts.of(admin)
        popularity = rng.lognormvariate(0, 0.7)
        t = topic(f"{forum.brand} {version} is out", forum.categories[1], when,
                  _DPost(when, manager, "announcement", rng.getrandbits(32), ref=version,
                         likes=_poisson(rng, 6 * popularity)),
                  tags=("release",), views=int(40 + 60 * popularity * rng.uniform(0.5, 1.5)))
        newest = t
        for _ in range(_poisson(rng, 4 * popularity)):
            replied = when + _hours(rng, 8.0, 1.4)
            member = readers.pick(replied, exclude=admin)
            if member is None or replied > forum.end:
                continue
            reply = _add(t, _DPost(replied, accounts.of(member), "announcement_reply", rng.getrandbits(32),
                                   ref=version, likes=_poisson(rng, 0.8)))
            if rng.random() < 0.3:
                answered = replied + _hours(rng, 4.0, 1.0)
                if answered <= forum.end:
                    _add(t, _DPost(answered, manager, "announcement_answer", rng.getrandbits(32), ref=version,
                                   reply_to=reply))
    if newest is not None:
        newest.pinned = True  # the latest release stays on top of /latest until the next one


def _close(rng, forum, accounts, t: _Topic) -> None:
    """Closed topics end with a small action; duplicates get a moderator's note first. A solved
    topic quiet for 14 days closes itself."""
    last = max(p.created for p in t.posts)
    if t.closed:
        t.closed = False
        when = last + dt.timedelta(minutes=5) + _hours(rng, 6.0, 1.0)
        if when > forum.end:
            return
        staff = [m for m in [accounts.admin, *accounts.moderators] if m.joined <= when]
        closer = accounts.of(rng.choice(staff)) if staff else forum.system
        if t.duplicate_of is not None:
            _add(t, _DPost(when, closer, "duplicate", rng.getrandbits(32), ref=t.duplicate_of,
                           post_type=MODERATOR_ACTION))
            when += dt.timedelta(seconds=1)
        _add(t, _DPost(when, closer, "", 0, post_type=SMALL_ACTION, action_code="closed.enabled"))
        t.closed = True
    elif t.accepted is not None and last + dt.timedelta(days=14) <= forum.end:
        _add(t, _DPost(last + dt.timedelta(days=14), forum.system, "", 0, post_type=SMALL_ACTION,
                       action_code="autoclosed.enabled"))
        t.closed = True


def _number(rng: random.Random, forum: _Forum) -> None:
    """Post numbers by time in each topic; topic and post ids by creation across the forum, with the
    gaps deleted topics and posts (and the system's private messages) leave."""
    for t in forum.topics:
        t.posts.sort(key=lambda p: p.created)  # stable: a reply never precedes what it replies to
        for number, post in enumerate(t.posts, start=1):
            post.number = number
            if post.reply_to is not None:
                post.reply_to.replies += 1
        t.slug = slugify(t.title)
    forum.topics.sort(key=lambda t: t.created)
    next_id = 7
    for t in forum.topics:
        t.id = next_id
        next_id += 2 if rng.random() < 0.03 else 1
    posts = sorted((p for t in forum.topics for p in t.posts), key=lambda p: (p.created, p.topic.id, p.number))
    next_id = 11
    for post in posts:
        post.id = next_id
        next_id += 2 if rng.random() < 0.03 else 1
        # Read by some of the topic's viewers: the first post by most of them, replies by fewer.
        views = max(post.topic.views, 1)
        share = 0.7 if post.number == 1 else 0.35 / math.sqrt(post.number)
        post.reads = max(1, min(views, round(views * share * rng.uniform(0.6, 1.2))))


def _finish_users(forum: _Forum) -> None:
    for t in forum.topics:
        for p in t.posts:
            user = p.author
            user.posts += 1
            user.last_posted = max(user.last_posted or p.created, p.created)
    for user in forum.users.values():
        if user.id == SYSTEM_ID:
            continue
        user.last_seen = max(user.last_seen or user.last_posted, user.last_posted)
        level = 0 if user.posts < 2 else 1 if user.posts < 8 else 2 if user.posts < 40 else 3
        user.trust_level = 4 if user.admin else max(level, 3) if user.moderator else level


# -- text ------------------------------------------------------------------------------------------

_INTRO_OPENERS = ["Hi everyone!", "Hello all,", "Hey there,", "Hi,", "Hello from {place}!"]
_INTRO_ROLES = ["a developer", "a data analyst", "a sysadmin", "a product manager", "a student", "a consultant",
                "a support engineer", "an IT lead", "a designer"]
_INTRO_GOALS = ["automate our reporting", "move our team off spreadsheets", "set up single sign-on",
                "learn the API", "run it on Kubernetes", "build a plugin", "connect it to our CRM",
                "migrate from our old tool"]
_WELCOMES = ["Welcome, {first}! Glad to have you here.",
             "Welcome aboard, {first}. The Support category is the place to ask if you get stuck.",
             "Great to have you, {first}! Let us know how it goes with {goal}."]
_FEATURES = ["faster search", "a new dashboard editor", "bulk export", "webhook retries", "dark mode",
             "audit log filters", "a rewritten CLI", "SAML single sign-on", "scheduled reports"]
_FIXES = ["the timezone bug in reports", "slow imports of large files", "logouts on the mobile app",
          "duplicate notifications", "the proxy settings being ignored"]
_ANNOUNCEMENT_REPLIES = ["Great release, thanks to the whole team!", "Upgraded this morning without issues.",
                         "Is {feature} available on the self-hosted edition too?",
                         "The upgrade broke our nightly export, anyone else?", "Finally {feature}, thank you!",
                         "When will {feature} come to the mobile app?"]
_ANNOUNCEMENT_ANSWERS = ["Yes, it is in both editions.", "Thanks for the report, we are looking into it.",
                         "It is planned for the next release.", "Could you open a topic in Support with the logs?"]
_WHISPERS = ["Known issue, engineering is on it.", "Adding this one to the FAQ.", "Let's keep an eye on this one.",
             "Same root cause as last week's reports."]


def _html(paragraphs: list[str]) -> str:
    return text.to_html(paragraphs).rstrip("\n")


def _first_name(user: _User) -> str:
    return (user.name or user.username).split()[0]


def cooked(post: _DPost, forum: _Forum) -> str:
    """The post's HTML, rebuilt from its seed (and the item it comes from)."""
    rng = random.Random(post.seed)
    if post.what in ("question", "answer"):
        _, paragraphs = _post_text(post.ref)
        if post.edited_at is not None:
            paragraphs = [*paragraphs, "Edit: added more details."]
        return _html(paragraphs)
    if post.what == "comment":
        c = post.ref
        return _html([text.comment_text(rng, c.post.tags[0], on_answer=c.post.kind == 2, by_asker=c.by_asker)])
    if post.what == "about":
        return _html([post.ref.description])
    if post.what == "welcome":
        return _html([f"Welcome to the {forum.brand} community! This is the place to ask questions, share what "
                      "you built and tell us what to make next.",
                      "Please search before posting, be kind, and mark the answer that solved your problem."])
    if post.what == "introduce":
        return _html(["New here? Tell us who you are, what you do and what you want to use "
                      f"{forum.brand} for."])
    if post.what == "intro":
        opener = rng.choice(_INTRO_OPENERS).format(place=(post.author.location or "home").split(",")[0])
        return _html([f"{opener} I'm {_first_name(post.author)}, {rng.choice(_INTRO_ROLES)}.",
                      f"We want to use {forum.brand} to {rng.choice(_INTRO_GOALS)}."])
    if post.what == "welcome_reply":
        intro_rng = random.Random(post.reply_to.seed)  # the intro's own draws, up to its goal
        intro_rng.choice(_INTRO_OPENERS), intro_rng.choice(_INTRO_ROLES)
        goal = intro_rng.choice(_INTRO_GOALS)
        return _html([rng.choice(_WELCOMES).format(first=_first_name(post.reply_to.author), goal=goal)])
    if post.what == "announcement":
        features = rng.sample(_FEATURES, 2)
        return _html([f"{forum.brand} {post.ref} is out!",
                      f"Highlights: {features[0]} and {features[1]}; we also fixed {rng.choice(_FIXES)}.",
                      "The upgrade notes are in the documentation. Tell us what you think below."])
    if post.what == "announcement_reply":
        return _html([rng.choice(_ANNOUNCEMENT_REPLIES).format(feature=rng.choice(_FEATURES))])
    if post.what == "announcement_answer":
        return _html([rng.choice(_ANNOUNCEMENT_ANSWERS)])
    if post.what == "whisper":
        return _html([rng.choice(_WHISPERS)])
    if post.what == "duplicate":
        target = post.ref
        return (f'<p>Closing as a duplicate of <a href="/t/{target.slug}/{target.id}">'
                f"{_escape(target.title)}</a>; please continue there.</p>")
    return ""  # small actions have no text


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# -- responses ------------------------------------------------------------------------------------------

def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat(timespec="milliseconds") + "Z" if t is not None else None


def dumps(payload) -> bytes:
    """JSON as a Discourse (Rails) host sends it."""
    encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    # <, > and & only ever occur inside strings, so escaping them cannot break the structure.
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        encoded = encoded.replace(char, escape)
    return encoded.encode("utf-8")


def _avatar(user: _User, host: str) -> str:
    return f"/user_avatar/{host}/{user.username}/{{size}}/{100 + abs(user.id)}_2.png"


def _brief_user(user: _User, host: str) -> dict:
    return {"id": user.id, "username": user.username, "name": user.name, "avatar_template": _avatar(user, host)}


def _post_json(post: _DPost, forum: _Forum) -> dict:
    t, user = post.topic, post.author
    likes = {"id": LIKE, "count": post.likes} if post.likes else {"id": LIKE, "can_act": True}
    score = round(15 * post.likes + 5 * post.replies + 0.2 * post.reads, 1)
    out = {
        "id": post.id, "name": user.name, "username": user.username, "avatar_template": _avatar(user, forum.host),
        "created_at": _iso(post.created), "cooked": cooked(post, forum), "post_number": post.number,
        "post_type": post.post_type, "posts_count": len(t.posts),
        "updated_at": _iso(post.edited_at or post.created), "reply_count": post.replies,
        "reply_to_post_number": post.reply_to.number if post.reply_to else None, "quote_count": 0,
        "incoming_link_count": 0, "reads": post.reads, "readers_count": max(post.reads - 1, 0), "score": score,
        "yours": False, "topic_id": t.id, "topic_slug": t.slug, "display_username": user.name,
        "primary_group_name": None, "flair_name": None, "flair_url": None, "flair_bg_color": None,
        "flair_color": None, "flair_group_id": None, "badges_granted": [],
        "version": 2 if post.edited_at else 1, "can_edit": False, "can_delete": False, "can_recover": False,
        "can_see_hidden_post": False, "can_wiki": False, "user_title": user.title, "bookmarked": False,
        "actions_summary": [likes], "moderator": user.moderator, "admin": user.admin, "staff": user.staff,
        "user_id": user.id, "hidden": False, "trust_level": user.trust_level, "deleted_at": None,
        "user_deleted": False, "edit_reason": None, "can_view_edit_history": True, "wiki": False,
        "post_url": f"/t/{t.slug}/{t.id}/{post.number}", "can_accept_answer": False, "can_unaccept_answer": False,
    }
    if post.action_code:
        out["action_code"] = post.action_code
    if post.reply_to is not None:
        out["reply_to_user"] = {k: v for k, v in _brief_user(post.reply_to.author, forum.host).items() if k != "id"}
    if t.category.solved:
        out["accepted_answer"] = post is t.accepted
        out["topic_accepted_answer"] = t.accepted is not None
    return out


def _posters(t: _Topic) -> list[dict]:
    counts: dict[_User, int] = {}
    for p in t.posts:
        if p.post_type in (REGULAR, MODERATOR_ACTION):
            counts[p.author] = counts.get(p.author, 0) + 1
    op = t.posts[0].author
    last = max((p for p in t.posts if p.post_type in (REGULAR, MODERATOR_ACTION)), key=lambda p: p.created).author
    frequent = [u for u in sorted(counts, key=lambda u: -counts[u]) if u is not op and u is not last][:3]
    shown = [op, *frequent] + ([last] if last is not op else [])
    out = []
    for user in shown:
        description = "Original Poster" if user is op else "Most Recent Poster" if user is last else "Frequent Poster"
        if user is op and user is last:
            description = "Original Poster, Most Recent Poster"
        extras = ("latest single" if len(shown) == 1 else "latest") if user is last else None
        out.append({"extras": extras, "description": description, "user_id": user.id, "primary_group_id": None,
                    "flair_group_id": None})
    return out


def _topic_fields(t: _Topic) -> dict:
    bumped = t.bumped_at
    return {
        "id": t.id, "title": t.title, "fancy_title": _escape(t.title), "slug": t.slug, "posts_count": len(t.posts),
        "reply_count": sum(1 for p in t.posts if p.reply_to is not None), "highest_post_number": t.posts[-1].number,
        "image_url": None, "created_at": _iso(t.created), "last_posted_at": _iso(bumped),
        "bumped": len(t.posts) > 1, "bumped_at": _iso(bumped), "archetype": "regular", "unseen": False,
        "pinned": t.pinned, "unpinned": None, "visible": True, "closed": t.closed, "archived": False,
        "bookmarked": None, "liked": None, "tags": list(t.tags), "tags_descriptions": {}, "views": t.views,
        "like_count": t.like_count, "has_summary": len(t.posts) >= 50,
        "last_poster_username": _last_poster(t).username, "category_id": t.category.id,
        "pinned_globally": t.pinned, "featured_link": None,
    } | ({"has_accepted_answer": t.accepted is not None, "can_have_answer": True} if t.category.solved else {})


def _last_poster(t: _Topic) -> _User:
    return max((p for p in t.posts if p.post_type in (REGULAR, MODERATOR_ACTION)), key=lambda p: p.created).author


def _listing(forum: _Forum) -> list[_Topic]:
    """Topics as /latest?order=activity lists them: pinned first, then the most recently bumped."""
    pinned = sorted((t for t in forum.topics if t.pinned), key=lambda t: (t.bumped_at, t.id), reverse=True)
    others = sorted((t for t in forum.topics if not t.pinned), key=lambda t: (t.bumped_at, t.id), reverse=True)
    return pinned + others


def _top_tags(forum: _Forum) -> list[str]:
    counts: dict[str, int] = {}
    for t in forum.topics:
        for tag in t.tags:
            counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts, key=lambda tag: (-counts[tag], tag))[:10]


def _latest_page(topics: list[_Topic], page: int, more: bool, forum: _Forum, top_tags: list[str]) -> dict:
    items, users = [], {}
    for t in topics:
        item = _topic_fields(t)
        item["posters"] = _posters(t)
        items.append(item)
        for poster in item["posters"]:
            users[poster["user_id"]] = forum.users[poster["user_id"]]
    topic_list = {"can_create_topic": True, "per_page": TOPICS_PER_PAGE, "top_tags": top_tags, "topics": items}
    if more:
        topic_list["more_topics_url"] = f"/latest?no_definitions=true&order=activity&page={page + 1}"
    user_list = [_brief_user(users[uid], forum.host) for uid in sorted(users)]
    return {"users": user_list, "primary_groups": [], "flair_groups": [], "topic_list": topic_list}


def _participant(user: _User, count: int, host: str) -> dict:
    return {**_brief_user(user, host), "post_count": count, "primary_group_name": None, "flair_name": None,
            "trust_level": user.trust_level, "admin": user.admin, "moderator": user.moderator}


def _topic_view(t: _Topic, forum: _Forum) -> dict:
    fields = _topic_fields(t)
    view = {k: fields[k] for k in ("id", "title", "fancy_title", "posts_count", "created_at", "views",
                                   "reply_count", "like_count", "last_posted_at", "visible", "closed", "archived",
                                   "archetype", "slug", "category_id", "tags", "pinned_globally", "pinned",
                                   "highest_post_number")}
    counts: dict[_User, int] = {}
    for p in t.posts:
        counts[p.author] = counts.get(p.author, 0) + 1
    participants = sorted(counts, key=lambda u: (-counts[u], u.id))[:24]
    words = sum(len(cooked(p, forum).split()) for p in t.posts[:CHUNK_SIZE])
    view.update({
        "post_stream": {"posts": [_post_json(p, forum) for p in t.posts[:CHUNK_SIZE]],
                        "stream": [p.id for p in t.posts]},
        "details": {"can_edit": False, "notification_level": 1, "can_create_post": not t.closed,
                    "can_reply_as_new_topic": True, "can_flag_topic": True,
                    "participants": [_participant(u, counts[u], forum.host) for u in participants],
                    "created_by": _brief_user(t.posts[0].author, forum.host),
                    "last_poster": _brief_user(_last_poster(t), forum.host)},
        "word_count": words, "participant_count": len(counts), "user_id": t.posts[0].author.id,
        "chunk_size": CHUNK_SIZE, "bookmarked": False, "message_archived": False, "topic_timer": None,
        "timeline_lookup": [[1, (forum.end - t.created).days]],
    })
    if t.accepted is not None:
        answer = t.accepted
        excerpt = re.sub(r"<[^>]+>", "", cooked(answer, forum))[:100]
        view["accepted_answer"] = {"post_number": answer.number, "username": answer.author.username,
                                   "name": answer.author.name, "excerpt": excerpt}
    return view


def _posts_response(t: _Topic, posts: list[_DPost], forum: _Forum) -> dict:
    return {"post_stream": {"posts": [_post_json(p, forum) for p in posts]}, "id": t.id}


def _category_json(c: _Category, forum: _Forum) -> dict:
    def since(days: int) -> int:
        return sum(1 for t in c.topics if t.created > forum.end - dt.timedelta(days=days))

    out = {
        "id": c.id, "name": c.name, "color": c.color, "text_color": "FFFFFF", "slug": c.slug,
        "topic_count": len(c.topics), "post_count": sum(len(t.posts) for t in c.topics),
        "position": c.id - 1, "description": f"<p>{_escape(c.description)}</p>", "description_text": c.description,
        "description_excerpt": c.description,
        "topic_url": f"/t/{c.about.slug}/{c.about.id}" if c.about else None,
        "read_restricted": False, "permission": None, "notification_level": 1, "can_edit": False,
        "topic_template": None, "has_children": bool(c.children),
        "subcategory_count": len(c.children) or None, "sort_order": None, "sort_ascending": None,
        "show_subcategory_list": bool(c.children), "num_featured_topics": 3, "default_view": None,
        "subcategory_list_style": "rows_with_featured_topics", "default_top_period": "all",
        "default_list_filter": "all", "minimum_required_tags": 0, "navigate_to_first_post_after_read": False,
        "topics_day": since(1), "topics_week": since(7), "topics_month": since(30), "topics_year": since(365),
        "topics_all_time": len(c.topics), "is_uncategorized": c.uncategorized,
        "subcategory_ids": [child.id for child in c.children], "uploaded_logo": None, "uploaded_logo_dark": None,
        "uploaded_background": None,
    }
    if c.parent is not None:
        out["parent_category_id"] = c.parent.id
    if c.children:
        out["subcategory_list"] = [_category_json(child, forum) for child in c.children]
    return out


def _profile(user: _User, forum: _Forum) -> dict:
    return {"user_badges": [], "user": {
        **_brief_user(user, forum.host), "last_posted_at": _iso(user.last_posted), "last_seen_at": _iso(user.last_seen),
        "created_at": _iso(user.joined), "ignored": False, "muted": False, "can_ignore_user": False,
        "can_mute_user": False, "can_send_private_messages": True, "can_send_private_message_to_user": True,
        "trust_level": user.trust_level, "moderator": user.moderator, "admin": user.admin, "title": user.title,
        "badge_count": min(user.posts, 12), "location": user.location, "website": user.website,
        "website_name": user.website.split("//", 1)[1].split("/", 1)[0] if user.website else None,
        "bio_cooked": None, "profile_view_count": 3 * user.posts, "time_read": 300 * user.posts,
        "recent_time_read": 60 * min(user.posts, 10), "primary_group_id": None, "primary_group_name": None,
        "flair_group_id": None, "flair_name": None, "featured_topic": None, "staged": False, "pending_count": 0,
        "groups": []}}


# -- writing ------------------------------------------------------------------------------------------

def response_file(request: str) -> str | None:
    """The file (relative to the folder) holding the response to `request` (path and query), or None
    for requests answered from several files (posts.json) or not served at all."""
    parts = urlsplit(request)
    path, query = parts.path, parse_qs(parts.query)
    if path == "/latest.json":
        page = query.get("page", ["0"])[0]
        return f"latest/page-{int(page)}.json" if page.isdigit() else None
    if path == "/categories.json":
        return "categories.json"
    if m := re.fullmatch(r"/t/(\d+)\.json", path):
        return f"t/{int(m[1])}.json"
    if m := re.fullmatch(r"/u/([A-Za-z0-9_][A-Za-z0-9_.-]*)\.json", unquote(path)):
        return f"u/{m[1].lower()}.json"
    return None


def _write(folder: Path, name: str, payload) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dumps(payload))


def generate_discourse(out_dir: Path | str, *, members: int = 2000, days: int = 365, seed: int = 7,
                       start: dt.date | str = dt.date(2025, 1, 1), site_name: str = "example") -> dict[str, int]:
    """Write the JSON API responses of a synthetic Discourse forum into `out_dir`; return counts.

    The counts: `categories` (subcategories included), `topics`, `posts`, `users` (every author,
    `system` included), `replies` (posts answering a post or the topic: regular posts and whispers
    after the first), `accepted_answers`, `pinned_topics`, and the files: `latest_pages`,
    `topic_pages`, `post_chunks` and `profiles`. Serve the folder with `serve_folder`.
    """
    if members < 1 or days < 1:
        raise ValueError("a synthetic forum needs at least one member and one day")
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    # A smaller forum written over a larger one must not leave pages, posts or profiles behind.
    for pattern in ("latest/page-*.json", "t/*.json", "t/*/posts-*.json", "u/*.json"):
        for stale in folder.glob(pattern):
            stale.unlink()
    forum = _build(members, days, seed, dt.datetime.combine(start, dt.time()), site_name)

    _write(folder, "categories.json", {"category_list": {
        "can_create_category": False, "can_create_topic": True,
        "categories": [_category_json(c, forum) for c in forum.categories]}})
    listing, top_tags = _listing(forum), _top_tags(forum)
    pages = max(1, -(-len(listing) // TOPICS_PER_PAGE))
    for page in range(pages):
        shown = listing[page * TOPICS_PER_PAGE:(page + 1) * TOPICS_PER_PAGE]
        _write(folder, f"latest/page-{page}.json", _latest_page(shown, page, page + 1 < pages, forum, top_tags))
    chunks = 0
    for t in forum.topics:
        _write(folder, f"t/{t.id}.json", _topic_view(t, forum))
        rest = t.posts[CHUNK_SIZE:]
        for part, begin in enumerate(range(0, len(rest), CHUNK_SIZE), start=1):
            _write(folder, f"t/{t.id}/posts-{part}.json", _posts_response(t, rest[begin:begin + CHUNK_SIZE], forum))
            chunks += 1
    for user in forum.users.values():
        _write(folder, f"u/{user.username.lower()}.json", _profile(user, forum))

    posts = [p for t in forum.topics for p in t.posts]
    return {
        "categories": len(forum.all_categories()),
        "topics": len(forum.topics),
        "posts": len(posts),
        "users": len(forum.users),
        "replies": sum(1 for p in posts if p.number > 1 and p.post_type in (REGULAR, WHISPER)),
        "accepted_answers": sum(1 for t in forum.topics if t.accepted is not None),
        "pinned_topics": sum(1 for t in forum.topics if t.pinned),
        "latest_pages": pages,
        "topic_pages": len(forum.topics),
        "post_chunks": chunks,
        "profiles": len(forum.users),
    }


# -- serving ---------------------------------------------------------------------------------------

_NOT_FOUND = {"errors": ["The requested URL or resource could not be found."], "error_type": "not_found"}


@dataclass
class ServedForum:
    """A folder written by `generate_discourse`, answering on `url`; `requests` logs every GET
    (path and query, decoded)."""

    folder: Path
    url: str = ""
    requests: list[str] = field(default_factory=list)

    def answer(self, request: str) -> tuple[int, bytes]:
        parts = urlsplit(request)
        if m := re.fullmatch(r"/t/(\d+)/posts\.json", parts.path):
            return self._posts(int(m[1]), parse_qs(parts.query).get("post_ids[]", []))
        name = response_file(request)
        if name is not None and (self.folder / name).is_file():
            return 200, (self.folder / name).read_bytes()
        if name is not None and name.startswith("latest/"):
            # Past the last page the forum answers with an empty list, not an error.
            return 200, dumps({"users": [], "primary_groups": [], "flair_groups": [], "topic_list": {
                "can_create_topic": True, "per_page": TOPICS_PER_PAGE, "top_tags": [], "topics": []}})
        return 404, dumps(_NOT_FOUND)

    def _posts(self, topic_id: int, wanted: list[str]) -> tuple[int, bytes]:
        page = self.folder / "t" / f"{topic_id}.json"
        if not page.is_file():
            return 404, dumps(_NOT_FOUND)
        posts = json.loads(page.read_bytes())["post_stream"]["posts"]
        for chunk in sorted((self.folder / "t" / str(topic_id)).glob("posts-*.json"),
                            key=lambda p: int(p.stem.split("-")[1])):
            posts += json.loads(chunk.read_bytes())["post_stream"]["posts"]
        ids = {int(i) for i in wanted if i.isdigit()}
        chosen = [p for p in posts if p["id"] in ids]
        return 200, dumps({"post_stream": {"posts": chosen}, "id": topic_id})


@contextlib.contextmanager
def serve_folder(folder: Path | str) -> Iterator[ServedForum]:
    """Serve a generated forum on 127.0.0.1 (a free port) for as long as the block runs."""
    forum = ServedForum(Path(folder))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            forum.requests.append(unquote(self.path))
            status, body = forum.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    forum.url = f"http://{host}:{port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield forum
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
