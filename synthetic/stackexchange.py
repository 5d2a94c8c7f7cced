"""Synthetic Stack Exchange dumps: a deterministic community written in the real dump format.

The demo and the benchmarks run the real connector on these files, so they follow the public dump
format to the byte: a UTF-8 BOM, one `<row .../>` per line with CRLF line ends, HTML bodies escaped in
attributes, tags as `<a><b>`, vote dates without a time and vote user ids only on favourites and
bounties, and a `Community` user with id -1.

The community behaves like a real one, because the dashboards are only worth looking at if it does:
members join along a growth curve and drift away again; activity is heavy-tailed (a few members give
most answers); reply delays are log-normal; some questions are never answered; askers comment on
their own questions; votes, scores, answer and comment counts and tag counts agree with each other.

The model of the community (who posted what, when, with what score) is held in memory, a few hundred
bytes per post; the text of each post is rebuilt from its own seed while the file is written.
"""
from __future__ import annotations

import bisect
import datetime as dt
import math
import random
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from synthetic import text

QUESTIONS_PER_MEMBER_YEAR = 0.35  # cardano.stackexchange: ~1,040 questions from ~4,000 users in ~2 years


@dataclass(slots=True, eq=False)
class _Member:
    id: int
    joined: dt.datetime
    leaves: dt.datetime
    ask_w: float
    answer_w: float
    comment_w: float
    seed: int
    last_seen: dt.datetime = None  # type: ignore[assignment]


@dataclass(slots=True, eq=False)
class _Post:
    kind: int  # PostTypeId: 1 question, 2 answer, 4 tag excerpt, 5 tag wiki
    created: dt.datetime
    owner: _Member | None
    seed: int
    tags: tuple[str, ...]
    parent: _Post | None = None
    id: int = 0
    deleted_owner: str | None = None  # display name kept on content of a deleted account
    up: int = 0
    down: int = 0
    views: int = 0
    favourites: int = 0
    answers: int = 0
    comments: int = 0
    accepted: _Post | None = None
    accepted_at: dt.datetime | None = None
    edited_at: dt.datetime | None = None
    editor: _Member | None = None
    closed_at: dt.datetime | None = None
    last_activity: dt.datetime = None  # type: ignore[assignment]
    history_guid: str = ""

    @property
    def score(self) -> int:
        return self.up - self.down


@dataclass(slots=True, eq=False)
class _Comment:
    post: _Post
    created: dt.datetime
    user: _Member | None
    seed: int
    by_asker: bool
    score: int = 0
    id: int = 0


@dataclass(frozen=True, slots=True)
class ForumMember:
    """A member as Users.xml shows them: what the generators of the community's other channels need."""

    id: int
    display_name: str
    joined: dt.datetime
    last_seen: dt.datetime
    activity: float  # how much they ask and answer: heavy-tailed, 0 for the members who only read
    location: str | None


@dataclass(slots=True)
class _Community:
    members: list[_Member]
    posts: list[_Post] = field(default_factory=list)
    comments: list[_Comment] = field(default_factory=list)
    votes: list[tuple[dt.date, _Post, int, _Member | None]] = field(default_factory=list)
    links: list[tuple[dt.datetime, _Post, _Post, int]] = field(default_factory=list)
    tag_posts: dict[str, tuple[_Post, _Post]] = field(default_factory=dict)


class _People:
    """Picks members in proportion to a weight among those who have joined by a given time.

    Members are sorted by join time, so "joined by t" is a prefix and a cumulative weight array answers
    a weighted draw with two bisections. Members past their active life are mostly refused, which is
    what makes retention curves fall.
    """

    def __init__(self, rng: random.Random, members: list[_Member], weight: str):
        self.rng = rng
        self.members = members
        self.joined = [m.joined for m in members]
        self.cumulative: list[float] = []
        total = 0.0
        for m in members:
            total += getattr(m, weight)
            self.cumulative.append(total)

    def pick(self, at: dt.datetime, exclude: _Member | None = None) -> _Member | None:
        k = bisect.bisect_right(self.joined, at)
        if k == 0 or self.cumulative[k - 1] <= 0:
            return None
        total = self.cumulative[k - 1]
        chosen = None
        for _ in range(8):
            i = bisect.bisect_right(self.cumulative, self.rng.random() * total, 0, k - 1)
            candidate = self.members[i]
            if candidate is exclude:
                continue
            chosen = candidate
            if at <= candidate.leaves or self.rng.random() < 0.08:
                return candidate
        return chosen


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _hours(rng: random.Random, median_hours: float, sigma: float) -> dt.timedelta:
    return dt.timedelta(hours=min(rng.lognormvariate(math.log(median_hours), sigma), 24 * 120))


def _time_of_day(rng: random.Random, day: dt.datetime) -> dt.datetime:
    # Busiest in the European afternoon / American morning, quiet at night (UTC).
    seconds = (rng.gauss(15.0, 4.5) % 24) * 3600
    return day + dt.timedelta(seconds=seconds, milliseconds=rng.randrange(1000))


def _members(rng: random.Random, n: int, start: dt.datetime, days: int) -> list[_Member]:
    people = []
    for _ in range(n):
        # Launch spike, then joins growing linearly (density 1 + 2t/T, inverse CDF below).
        if rng.random() < 0.08:
            offset = rng.random() * min(7, days)
        else:
            offset = days * (-1 + math.sqrt(1 + 8 * rng.random())) / 2
        joined = start + dt.timedelta(days=offset)
        engaged = rng.random() < 0.45
        activity = min(rng.paretovariate(1.05), 2000.0) if engaged else 0.0
        ask_w = rng.lognormvariate(0, 0.8) * (1.0 if engaged else 0.25)
        # The most active members also stay longest: they are the community's core.
        lifetime = rng.expovariate(1 / 160) * (1 + 0.5 * math.log1p(activity)) if engaged else rng.expovariate(1 / 35)
        people.append(_Member(0, joined, joined + dt.timedelta(days=lifetime), ask_w, activity,
                              0.3 * ask_w + activity, rng.getrandbits(32)))
    people.sort(key=lambda m: m.joined)
    for i, m in enumerate(people, start=1):
        m.id = i
        m.last_seen = m.joined
    return people


def _simulate(rng: random.Random, members: int, days: int, start: dt.datetime) -> _Community:
    end = start + dt.timedelta(days=days)
    people = _members(rng, members, start, days)
    community = _Community(people)
    askers, answerers, commenters = (_People(rng, people, w) for w in ("ask_w", "answer_w", "comment_w"))
    moderator = max(people, key=lambda m: m.answer_w) if people else None

    vocabulary = list(text.TAG_VOCABULARY)
    rng.shuffle(vocabulary)
    tag_weights = list(_cumulate(1 / (rank + 1) ** 1.1 for rank in range(len(vocabulary))))
    recent_by_tag: dict[str, list[_Post]] = {}

    def in_dump(t: dt.datetime) -> bool:
        return t <= end

    def add_votes(post: _Post, kind: int, n: int, mean_days: float, voter: bool = False) -> int:
        kept = 0
        for _ in range(n):
            when = post.created + dt.timedelta(days=rng.expovariate(1 / mean_days))
            if in_dump(when):
                community.votes.append((when.date(), post, kind, commenters.pick(when) if voter else None))
                kept += 1
        return kept

    def add_comment(post: _Post, when: dt.datetime, user: _Member | None, by_asker: bool) -> None:
        if user is None or not in_dump(when):
            return
        community.comments.append(_Comment(post, when, user, rng.getrandbits(32), by_asker,
                                           _poisson(rng, 0.4)))
        post.comments += 1
        user.last_seen = max(user.last_seen, when)

    # Tag wikis of the most used tags, written by the Community user as on real sites.
    for tag in vocabulary[:5]:
        when = start + dt.timedelta(hours=rng.randrange(1, 48))
        excerpt, wiki = (_Post(kind, when, None, rng.getrandbits(32), (tag,)) for kind in (4, 5))
        community.tag_posts[tag] = (excerpt, wiki)
        community.posts += [excerpt, wiki]

    joined_times = [m.joined for m in people]
    day_weights = []
    for d in range(days):
        midday = start + dt.timedelta(days=d, hours=12)
        joined_so_far = bisect.bisect_right(joined_times, midday)
        weekday = 0.6 if midday.weekday() >= 5 else 1.0
        day_weights.append((joined_so_far ** 0.85) * weekday * rng.lognormvariate(0, 0.15))
    expected_questions = members * QUESTIONS_PER_MEMBER_YEAR * days / 365
    weight_sum = sum(day_weights) or 1.0

    for d, weight in enumerate(day_weights):
        day = start + dt.timedelta(days=d)
        for _ in range(_poisson(rng, expected_questions * weight / weight_sum)):
            asked = _time_of_day(rng, day)
            asker = askers.pick(asked)
            if asker is None:
                continue
            _thread(rng, community, asker, asked, end, vocabulary, tag_weights, recent_by_tag,
                    answerers, commenters, moderator, add_votes, add_comment)
    return community


def _cumulate(values: Iterable[float]) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


def _thread(rng, community, asker, asked, end, vocabulary, tag_weights, recent_by_tag,
            answerers, commenters, moderator, add_votes, add_comment) -> None:
    """One question and everything that happens to it up to the dump date."""
    n_tags = rng.choices([1, 2, 3, 4], weights=[30, 35, 25, 10])[0]
    tags: list[str] = []
    while len(tags) < n_tags:
        tag = vocabulary[bisect.bisect_right(tag_weights, rng.random() * tag_weights[-1])]
        if tag not in tags:
            tags.append(tag)
    question = _Post(1, asked, asker, rng.getrandbits(32), tuple(tags))
    community.posts.append(question)
    asker.last_seen = max(asker.last_seen, asked)
    hardness = rng.random()  # hard questions wait longer and more often go unanswered

    popularity = rng.lognormvariate(0, 0.8)
    question.up = add_votes(question, 2, _poisson(rng, 1.3 * popularity), 3.0)
    question.down = add_votes(question, 3, _poisson(rng, 0.25), 1.0)
    question.favourites = add_votes(question, 5, _poisson(rng, 0.12 * question.up), 10.0, voter=True)
    question.views = int(12 + 30 * question.up + rng.lognormvariate(3.3, 0.9))

    # Clarifying comments on the question, often followed by the asker's own reply.
    if rng.random() < 0.45:
        asked_back = asked + _hours(rng, 0.8, 1.2)
        add_comment(question, asked_back, commenters.pick(asked_back, exclude=asker), False)
        if rng.random() < 0.6:
            add_comment(question, asked_back + _hours(rng, 1.0, 1.0), asker, True)

    answers: list[_Post] = []
    weekend = asked.weekday() >= 5
    if rng.random() >= 0.05 + 0.22 * hardness ** 2 + (0.03 if weekend else 0.0):
        n_answers = 1
        while n_answers < 6 and rng.random() < 0.4:
            n_answers += 1
        for _ in range(n_answers):
            answered = asked + _hours(rng, 2.0 + 12 * hardness, 1.3)
            if not answered <= end:
                continue
            if rng.random() < 0.03:
                author = asker  # self-answer
            else:
                author = answerers.pick(answered, exclude=asker)
            answer = _Post(2, answered, author, rng.getrandbits(32), question.tags, parent=question)
            if author is None or rng.random() < 0.015:
                answer.owner, answer.deleted_owner = None, f"user{rng.randrange(10_000, 99_999)}"
            else:
                author.last_seen = max(author.last_seen, answered)
            skill = 1 + 0.3 * math.log1p(author.answer_w if author else 0)
            answer.up = add_votes(answer, 2, _poisson(rng, 1.6 * skill * rng.lognormvariate(0, 0.7)), 4.0)
            answer.down = add_votes(answer, 3, _poisson(rng, 0.15), 1.0)
            community.posts.append(answer)
            answers.append(answer)
            for _ in range(_poisson(rng, 0.7)):
                by_asker = rng.random() < 0.5
                when = answered + _hours(rng, 2.0, 1.2)
                add_comment(answer, when, asker if by_asker else commenters.pick(when, exclude=author), by_asker)
    question.answers = len(answers)

    others = [a for a in answers if a.owner is not asker]
    if others and rng.random() < 0.6:
        best = max(others, key=lambda a: (a.up - a.down, -a.created.timestamp()))
        accepted_at = best.created + _hours(rng, 5.0, 1.3)
        if accepted_at <= end:
            question.accepted, question.accepted_at = best, accepted_at
            community.votes.append((accepted_at.date(), best, 1, None))

    for post in [question, *answers]:
        if rng.random() < (0.2 if post is question else 0.12):
            edited = post.created + _hours(rng, 6.0, 1.5)
            if edited <= end:
                post.edited_at = edited
                post.editor = post.owner if post.owner and rng.random() < 0.7 else moderator
        post.last_activity = max([post.created] + ([post.edited_at] if post.edited_at else []))
    question.last_activity = max([question.last_activity] + [a.last_activity for a in answers])

    recent = recent_by_tag.setdefault(question.tags[0], [])
    if rng.random() < 0.035:
        closed = asked + _hours(rng, 10.0, 1.2)
        if closed <= end:
            question.closed_at = closed
            if recent and rng.random() < 0.5:
                community.links.append((closed, question, rng.choice(recent), 3))  # duplicate
    if recent and rng.random() < 0.05:
        linked = asked + _hours(rng, 24.0, 1.5)
        if linked <= end:
            community.links.append((linked, question, rng.choice(recent), 1))  # related
    recent.append(question)
    if len(recent) > 50:
        del recent[0]


def _assign_ids(rng: random.Random, items: list, key) -> None:
    items.sort(key=key)
    next_id = 1
    for item in items:
        item.id = next_id
        next_id += 2 if rng.random() < 0.04 else 1  # gaps where content was deleted before the dump


# -- writing ------------------------------------------------------------------------------------------

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#xA;", "\r": "&#xD;"})


def _ts(value: dt.datetime) -> str:
    return value.isoformat(timespec="milliseconds")


class _DumpFile:
    def __init__(self, folder: Path, name: str, root: str):
        self.path = folder / name
        self.root = root
        self.rows = 0

    def __enter__(self):
        self.handle = self.path.open("w", encoding="utf-8-sig", newline="")
        self.handle.write(f'<?xml version="1.0" encoding="utf-8"?>\r\n<{self.root}>\r\n')
        return self

    def row(self, *attributes: tuple[str, object]) -> None:
        parts = []
        for name, value in attributes:
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                value = _ts(value)
            parts.append(f'{name}="{str(value).translate(_ESCAPES)}"')
        self.handle.write("  <row " + " ".join(parts) + " />\r\n")
        self.rows += 1

    def __exit__(self, *exc):
        self.handle.write(f"</{self.root}>")
        self.handle.close()


def _owner(post: _Post) -> tuple[tuple[str, object], ...]:
    if post.kind in (4, 5):
        return (("OwnerUserId", -1),)
    if post.owner is None:
        return (("OwnerDisplayName", post.deleted_owner),)
    return (("OwnerUserId", post.owner.id),)


def _post_text(post: _Post) -> tuple[str | None, list[str]]:
    """Title (questions only) and paragraphs of a post, rebuilt from its seed."""
    rng = random.Random(post.seed)
    tag = post.tags[0]
    if post.kind == 1:
        return text.question_title(rng, tag), text.question_paragraphs(rng, tag)
    if post.kind == 2:
        return None, text.answer_paragraphs(rng, tag)
    if post.kind == 4:
        return None, [f"Questions about {tag} in this product."]
    return None, [f"Use the {tag} tag for questions about {tag}.", "Check the documentation first."]


def _write_posts(folder: Path, community: _Community) -> int:
    with _DumpFile(folder, "Posts.xml", "posts") as out:
        for post in community.posts:
            title, paragraphs = _post_text(post)
            editor = post.editor.id if post.editor else None
            out.row(("Id", post.id), ("PostTypeId", post.kind),
                    ("ParentId", post.parent.id if post.parent else None),
                    ("AcceptedAnswerId", post.accepted.id if post.accepted else None),
                    ("CreationDate", post.created), ("Score", post.score),
                    ("ViewCount", post.views if post.kind == 1 else None),
                    ("Body", text.to_html(paragraphs)), *_owner(post),
                    ("LastEditorUserId", editor), ("LastEditDate", post.edited_at),
                    ("LastActivityDate", post.last_activity or post.created), ("Title", title),
                    ("Tags", "".join(f"<{t}>" for t in post.tags) if post.kind == 1 else None),
                    ("AnswerCount", post.answers if post.kind == 1 else None),
                    ("CommentCount", post.comments),
                    ("FavoriteCount", post.favourites if post.kind == 1 else None),
                    ("ClosedDate", post.closed_at), ("ContentLicense", "CC BY-SA 4.0"))
        return out.rows


def _write_users(folder: Path, community: _Community, start: dt.datetime, end: dt.datetime,
                 members_out: list[ForumMember] | None = None) -> int:
    reputation = {m.id: 1 for m in community.members}
    for post in community.posts:
        if post.owner is not None:
            reputation[post.owner.id] += (5 if post.kind == 1 else 10) * post.up - 2 * post.down
        if post.accepted is not None:
            if post.accepted.owner is not None:
                reputation[post.accepted.owner.id] += 15
            if post.owner is not None:
                reputation[post.owner.id] += 2
    with _DumpFile(folder, "Users.xml", "users") as out:
        out.row(("Id", -1), ("Reputation", 1), ("CreationDate", start - dt.timedelta(days=30)),
                ("DisplayName", "Community"), ("LastAccessDate", start - dt.timedelta(days=30)),
                ("Location", "on the server farm"),
                ("AboutMe", "<p>Hi, I'm not really a person.</p>\n<p>I'm a background process.</p>\n"),
                ("Views", 0), ("UpVotes", 0), ("DownVotes", 0), ("AccountId", -1))
        for m in community.members:
            rng = random.Random(m.seed)
            name = text.display_name(rng, m.id)
            about = f"<p>{name} works with our product every day.</p>\n" if _has_about_me(m) else None
            active = m.answer_w + m.ask_w
            last_access = min(end, m.last_seen + dt.timedelta(hours=rng.expovariate(1 / 48)))
            website = f"https://example.org/~{m.id}" if rng.random() < 0.1 else None
            location = rng.choice(text.LOCATIONS) or None
            if members_out is not None:
                members_out.append(ForumMember(m.id, name, m.joined, last_access, m.ask_w + m.answer_w, location))
            out.row(("Id", m.id), ("Reputation", max(1, reputation[m.id])), ("CreationDate", m.joined),
                    ("DisplayName", name), ("LastAccessDate", last_access),
                    ("WebsiteUrl", website), ("Location", location), ("AboutMe", about),
                    ("Views", _poisson(rng, 2 + 3 * active)), ("UpVotes", _poisson(rng, 2 * active)),
                    ("DownVotes", _poisson(rng, 0.1 * active)), ("AccountId", 1_000_000 + m.seed % 9_000_000))
        return out.rows


def _write_comments(folder: Path, community: _Community) -> int:
    with _DumpFile(folder, "Comments.xml", "comments") as out:
        for c in community.comments:
            rng = random.Random(c.seed)
            body = text.comment_text(rng, c.post.tags[0], on_answer=c.post.kind == 2, by_asker=c.by_asker)
            out.row(("Id", c.id), ("PostId", c.post.id), ("Score", c.score), ("Text", body),
                    ("CreationDate", c.created), ("UserId", c.user.id if c.user else None),
                    ("ContentLicense", "CC BY-SA 4.0"))
        return out.rows


def _write_votes(folder: Path, community: _Community) -> int:
    votes = sorted(community.votes, key=lambda v: (v[0], v[1].id, v[2]))
    with _DumpFile(folder, "Votes.xml", "votes") as out:
        for i, (day, post, kind, voter) in enumerate(votes, start=1):
            out.row(("Id", i), ("PostId", post.id), ("VoteTypeId", kind),
                    ("UserId", voter.id if voter and kind == 5 else None),
                    ("CreationDate", f"{day.isoformat()}T00:00:00.000"))
        return out.rows


# (post kind, measure, at least, badge, class: 1 gold 2 silver 3 bronze, awarded again for each post)
_POST_BADGES = [
    (1, "score", 1, "Student", 3, False),
    (1, "score", 10, "Nice Question", 3, True),
    (1, "views", 1000, "Popular Question", 3, True),
    (2, "score", 1, "Teacher", 3, False),
    (2, "score", 10, "Nice Answer", 3, True),
    (2, "score", 25, "Good Answer", 2, True),
]


def _has_about_me(member: _Member) -> bool:
    """Whether the member wrote an AboutMe: decides both Users.xml and the Autobiographer badge."""
    return random.Random(member.seed ^ 0xAB0).random() < 0.3


def _badges(community: _Community, end: dt.datetime) -> list[tuple[dt.datetime, _Member, str, int]]:
    awarded: list[tuple[dt.datetime, _Member, str, int]] = []
    once: set[tuple[int, str]] = set()

    def award(when: dt.datetime, member: _Member | None, name: str, klass: int, repeatable: bool = False):
        if member is None or when > end or (not repeatable and (member.id, name) in once):
            return
        once.add((member.id, name))
        awarded.append((when, member, name, klass))

    for m in community.members:
        if _has_about_me(m):
            award(m.joined + dt.timedelta(minutes=7), m, "Autobiographer", 3)
    for post in community.posts:
        for kind, measure, at_least, name, klass, repeatable in _POST_BADGES:
            if post.kind == kind and getattr(post, measure) >= at_least:
                award(post.created + dt.timedelta(days=1), post.owner, name, klass, repeatable)
        if post.accepted_at is not None:
            award(post.accepted_at, post.owner, "Scholar", 3)
        if post.edited_at is not None and post.editor is not None:
            award(post.edited_at, post.editor, "Editor", 3)
    awarded.sort(key=lambda b: (b[0], b[1].id, b[2]))
    return awarded


def _write_badges(folder: Path, community: _Community, end: dt.datetime) -> int:
    with _DumpFile(folder, "Badges.xml", "badges") as out:
        for i, (when, member, name, klass) in enumerate(_badges(community, end), start=1):
            out.row(("Id", i), ("UserId", member.id), ("Name", name), ("Date", when), ("Class", klass),
                    ("TagBased", "False"))
        return out.rows


def _write_tags(folder: Path, community: _Community) -> int:
    counts: dict[str, int] = {}
    for post in community.posts:
        if post.kind == 1:
            for tag in post.tags:
                counts[tag] = counts.get(tag, 0) + 1
    for tag in community.tag_posts:
        counts.setdefault(tag, 0)
    with _DumpFile(folder, "Tags.xml", "tags") as out:
        for i, tag in enumerate(sorted(counts, key=lambda t: (-counts[t], t)), start=1):
            excerpt, wiki = community.tag_posts.get(tag, (None, None))
            out.row(("Id", i), ("TagName", tag), ("Count", counts[tag]),
                    ("ExcerptPostId", excerpt.id if excerpt else None), ("WikiPostId", wiki.id if wiki else None))
        return out.rows


def _write_post_links(folder: Path, community: _Community) -> int:
    links = sorted(community.links, key=lambda link: (link[0], link[1].id))
    with _DumpFile(folder, "PostLinks.xml", "postlinks") as out:
        for i, (when, post, related, kind) in enumerate(links, start=1):
            out.row(("Id", i), ("CreationDate", when), ("PostId", post.id), ("RelatedPostId", related.id),
                    ("LinkTypeId", kind))
        return out.rows


def _write_post_history(folder: Path, community: _Community) -> int:
    events = []
    for post in community.posts:
        user = post.owner.id if post.owner else (-1 if post.kind in (4, 5) else None)
        events.append((post.created, post.id, 0, post, user))
        if post.edited_at is not None:
            events.append((post.edited_at, post.id, 1, post, post.editor.id if post.editor else None))
        if post.closed_at is not None:
            events.append((post.closed_at, post.id, 2, post, -1))
    events.sort(key=lambda e: e[:3])
    next_id = 1
    with _DumpFile(folder, "PostHistory.xml", "posthistory") as out:
        for when, _, event, post, user in events:
            rng = random.Random(post.seed ^ (event + 1))
            guid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            title, paragraphs = _post_text(post)
            common = (("PostId", post.id), ("RevisionGUID", guid), ("CreationDate", when), ("UserId", user))
            rows: list[tuple] = []
            if event == 0:
                if post.kind == 1:
                    rows.append(((("PostHistoryTypeId", 1),), ("Text", title)))
                rows.append(((("PostHistoryTypeId", 2),), ("Text", text.to_markdown(paragraphs))))
                if post.kind == 1:
                    rows.append(((("PostHistoryTypeId", 3),), ("Text", "".join(f"<{t}>" for t in post.tags))))
            elif event == 1:
                edited = text.to_markdown(paragraphs + ["Edit: added more details."])
                rows.append(((("PostHistoryTypeId", 5),), ("Comment", "added details"), ("Text", edited)))
            else:
                rows.append(((("PostHistoryTypeId", 10),), ("Comment", "102")))
            for head, *tail in rows:
                out.row(("Id", next_id), *head, *common, *tail, ("ContentLicense", "CC BY-SA 4.0"))
                next_id += 1
        return out.rows


def generate_stackexchange_dump(out_dir: Path | str, *, members: int = 2000, days: int = 365, seed: int = 7,
                                start: dt.date = dt.date(2025, 1, 1), site_name: str = "example",
                                members_out: list[ForumMember] | None = None) -> dict[str, int]:
    """Write a Stack Exchange dump of a synthetic community into `out_dir`; return rows per file.

    The same arguments always give byte-identical files. `site_name` seeds the community's own mix of
    topics, so two sites with the same seed still differ. When `members_out` is a list, every member
    (not the Community user) is appended to it as Users.xml shows them, so the community's other
    channels (synthetic/community.py) can cast the same people.
    """
    if members < 1 or days < 1:
        raise ValueError("a synthetic community needs at least one member and one day")
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{seed}:{site_name}")
    start_dt = dt.datetime.combine(start, dt.time())
    end = start_dt + dt.timedelta(days=days)
    community = _simulate(rng, members, days, start_dt)
    _assign_ids(rng, community.posts, key=lambda p: (p.created, p.kind))
    _assign_ids(rng, community.comments, key=lambda c: c.created)
    return {
        "Posts.xml": _write_posts(folder, community),
        "Users.xml": _write_users(folder, community, start_dt, end, members_out),
        "Comments.xml": _write_comments(folder, community),
        "Votes.xml": _write_votes(folder, community),
        "Badges.xml": _write_badges(folder, community, end),
        "Tags.xml": _write_tags(folder, community),
        "PostLinks.xml": _write_post_links(folder, community),
        "PostHistory.xml": _write_post_history(folder, community),
    }
