"""A Discourse forum → one landing batch, incrementally, through the forum's JSON API.

The calls, in order (see docs/connectors/discourse.md):

1. `/latest.json?order=activity&page=N`: topics, most recently bumped first, page by page until a
   topic bumped at or before the cursor is reached (or there are no more pages, or `max_pages`).
2. `/categories.json?include_subcategories=true`: once, and only when some topic is new.
3. `/t/{id}.json` per new or bumped topic: its first posts and the ids of all of them (the stream);
   `/t/{id}/posts.json?post_ids[]=...` for the rest, except posts a previous run already read.
4. `/u/{username}.json` per author, only with `user_profiles = true` (join date, last seen).

Users, likes (`actions_summary`), accepted answers (solved plugin) and reply structure
(`reply_to_post_number`) all come with the posts: no other calls are needed.

The cursor is `{"bumped_at": <newest topic bump fully read>, "post_id": <highest post id read>}`.
It never moves past a topic that could not be read completely, so the next run reads it again.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from urllib.parse import quote

from ingest.discourse.client import Connection, DiscourseClient, HttpFailure, Unreachable, connection_from
from ingest.discourse.parse import (SCHEMAS, accepted_post_number, parse_category, parse_page, parse_post,
                                    parse_profile, parse_topic, parse_user)
from ingest.framework import NothingReadable, Progress, RecordError
from ingest.records import RAW_KEEP_BYTES, DuplicateKeys, as_timestamp
from warehouse.landing import BatchWriter, FileSummary
from warehouse.settings import Source


@dataclass(frozen=True)
class CrawlOptions:
    page_size: int = 20           # post ids per /t/{id}/posts.json request (Discourse's own chunk is 20)
    max_pages: int | None = None  # pages of /latest.json per run; None: until the cursor or the end
    user_profiles: bool = False   # also read /u/{username}.json per author (one call each)


def _positive_int(options: dict, key: str, default: int | None) -> int | None:
    value = options.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise NothingReadable(f"option {key} = {value!r} should be a whole number of at least 1")
    return value


def crawl_options(source: Source) -> CrawlOptions:
    options = source.options
    profiles = options.get("user_profiles", False)
    if not isinstance(profiles, bool):
        raise NothingReadable(f"option user_profiles = {profiles!r} should be true or false")
    return CrawlOptions(page_size=_positive_int(options, "page_size", 20),
                        max_pages=_positive_int(options, "max_pages", None), user_profiles=profiles)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds") + "Z" if value is not None else None


def _raw(value) -> str:
    if isinstance(value, bytes):
        return value[:RAW_KEEP_BYTES].decode("utf-8", "replace")
    return json.dumps(value, ensure_ascii=False)[:RAW_KEEP_BYTES]


def _body(error: Exception) -> str | None:
    """The response body that failed validation (None for an HTTP failure: there is no page)."""
    body = getattr(error, "body", None)
    return _raw(body) if body is not None else None


def _finish(summary: FileSummary, note: str | None = None) -> None:
    summary.finished_at = _now()
    if summary.quarantined and summary.status == "ok":
        summary.status = "unreadable" if summary.landed == 0 else "partial"
    notes = [n for n in (summary.message, note) if n]
    if summary.quarantined and not any("quarantined" in n for n in notes):
        notes.append(f"{summary.quarantined} of {summary.read} records quarantined")
    summary.message = "; ".join(notes) or None


class Crawl:
    """One run over the forum: what was read, what could not be, and where the cursor may move."""

    def __init__(self, client: DiscourseClient, connection: Connection, batch: BatchWriter, cursor: dict | None,
                 options: CrawlOptions, progress: Progress | None):
        self.client, self.batch, self.options, self.progress = client, batch, options, progress
        self.base_url = connection.url
        self.since, self.since_post = _read_cursor(cursor)
        self.ok_bumps: list[dt.datetime] = []      # topics read completely
        self.failed_bumps: list[dt.datetime] = []  # topics with a page that could not be read
        self.listing_complete = True               # every /latest.json page up to the cursor was read
        self.aborted: str | None = None            # the host stopped answering mid-run
        self.highest_post_id: int | None = None
        self.topic_keys = DuplicateKeys()
        self.topics_read: set[int] = set()
        self.post_digests: dict[int, tuple[str, int]] = {}
        self.users: dict[int, dict] = {}
        self.bad_users: dict[object, tuple[str, int, str, str]] = {}
        self.categories_read = False
        self._summaries: dict[str, FileSummary] = {}

    # -- summaries ------------------------------------------------------------------------------

    def summary(self, source_file: str, entity: str) -> FileSummary:
        """The summary of an endpoint read many times (one per topic), created on first use."""
        if source_file not in self._summaries:
            self._summaries[source_file] = FileSummary(source_file=source_file, entity=entity, started_at=_now())
            self.batch.manifest.files.append(self._summaries[source_file])
        return self._summaries[source_file]

    def quarantine_page(self, summary: FileSummary, source_file: str, reason: str, raw: str | None) -> None:
        summary.read += 1
        summary.quarantined += 1
        self.batch.quarantine(source_file, 0, reason, raw)

    def fetch(self, endpoint: str, path: str) -> dict:
        """A page's JSON; HttpFailure / RecordError (with `.body`) when it cannot be read."""
        response = self.client.get(path)
        try:
            return parse_page(endpoint, response.body)
        except RecordError as e:
            e.body = response.body
            raise

    def abort(self, error: Unreachable) -> None:
        self.aborted = str(error)

    # -- the run --------------------------------------------------------------------------------

    def run(self) -> None:
        page, failed_in_a_row = 0, 0
        while True:
            if self.options.max_pages is not None and page >= self.options.max_pages:
                break
            source_file = f"/latest.json?page={page}"  # where its records and quarantine rows come from
            summary = FileSummary(source_file=f"latest page {page}", entity="topics", started_at=_now())
            self.batch.manifest.files.append(summary)
            try:
                payload = self.fetch("latest", f"/latest.json?order=activity&page={page}")
            except HttpFailure as e:
                if page == 0:
                    self.batch.manifest.files.remove(summary)
                    raise NothingReadable(f"{self.base_url}: {e}") from None
                self.listing_complete = False
                if isinstance(e, Unreachable):
                    self.abort(e)
                    summary.status, summary.message = "unreadable", str(e)
                    _finish(summary)
                    break
                self.quarantine_page(summary, source_file, str(e), None)
                failed_in_a_row += 1
            except RecordError as e:
                self.listing_complete = False
                self.quarantine_page(summary, source_file, f"page {page} of the topic list: {e}", _body(e))
                failed_in_a_row += 1
            else:
                failed_in_a_row = 0
                more, reached_cursor = self.read_listing(payload, summary, source_file)
                if self.progress:
                    self.progress("latest.json", page + 1)
                if reached_cursor or not more or self.aborted:
                    break
            if failed_in_a_row:
                _finish(summary, "the next page is tried; the cursor stays where it was, so these topics are "
                                 "read again next run")
                if failed_in_a_row >= 2:
                    break  # two unreadable pages in a row: the listing cannot be followed further
            page += 1
        if self.options.user_profiles and not self.aborted:
            self.read_profiles()
        self.write_users()
        for summary in self._summaries.values():
            _finish(summary, f"stopped early: {self.aborted}" if self.aborted else None)

    def read_listing(self, payload: dict, summary: FileSummary, source_file: str) -> tuple[bool, bool]:
        """Read one page of /latest.json; (is there a next page, was the cursor reached)."""
        topic_list = payload["topic_list"]
        reached_cursor, skipped = False, 0
        for position, item in enumerate(topic_list["topics"], start=1):
            try:
                topic = parse_topic(item, position, source_file)
            except RecordError as e:
                summary.read += 1
                summary.quarantined += 1
                self.batch.quarantine(source_file, position, f"topic: {e}", _raw(item))
                continue
            if self.since is not None and topic["bumped_at"] <= self.since:
                # Pinned topics head the list whatever their age: only an unpinned one marks the cursor.
                reached_cursor = reached_cursor or not topic["pinned"]
                skipped += 1
                continue
            summary.read += 1
            try:
                self.topic_keys.check(str(topic["id"]), f"{source_file} item {position}",
                                      f"{topic['bumped_at']}|{topic['title']}")
            except RecordError as e:
                summary.quarantined += 1
                self.batch.quarantine(source_file, position, str(e), _raw(item))
                continue
            if topic["id"] in self.topics_read:
                summary.landed += 1  # listed again after moving down a page: read once
                continue
            self.read_topic(topic)
            summary.landed += 1
        note = (f"{skipped} topic{'s' if skipped > 1 else ''} not bumped since the last run "
                f"{'were' if skipped > 1 else 'was'} skipped") if skipped else None
        if self.aborted:
            note = f"stopped early: {self.aborted}"
        _finish(summary, note)
        return bool(topic_list.get("more_topics_url")), reached_cursor

    def read_topic(self, topic: dict) -> None:
        """A topic's pages; the topic record is written once they were tried."""
        self.topics_read.add(topic["id"])
        if not self.categories_read:
            self.read_categories()
        complete = not self.aborted and self.read_posts(topic)
        (self.ok_bumps if complete else self.failed_bumps).append(topic["bumped_at"])
        self.batch.write("topics", SCHEMAS["topics"], topic)
        if self.progress:
            self.progress("topics", len(self.topics_read))

    def read_posts(self, topic: dict) -> bool:
        """Read the topic's posts; False when a page of them could not be read."""
        topic_id = topic["id"]
        path = f"/t/{topic_id}.json"
        summary = self.summary("t/{id}.json", "posts")
        try:
            view = self.fetch("topic", path)
        except Unreachable as e:
            self.abort(e)
            return False
        except (HttpFailure, RecordError) as e:
            self.quarantine_page(summary, path, f"topic {topic_id}: {e}", _body(e))
            return False
        posts, stream = view["post_stream"]["posts"], view["post_stream"]["stream"]
        first_ids = [p.get("id") for p in posts if isinstance(p, dict) and p.get("post_number") == 1]
        first_post_id = first_ids[0] if first_ids else (stream[0] if stream and isinstance(stream[0], int) else None)
        read: list[dict] = []
        for position, post in enumerate(posts, start=1):
            record = self.read_post(post, position, path, topic, first_post_id, summary)
            if record:
                read.append(record)
        in_chunk = {p.get("id") for p in posts if isinstance(p, dict)}
        # Posts a previous run read (ids up to the cursor's) are not fetched again; the first chunk
        # always comes with the topic page, so its like counts are refreshed anyway.
        rest = [i for i in stream if isinstance(i, int) and i not in in_chunk
                and (self.since_post is None or i > self.since_post)]
        complete = True
        chunks_summary = self.summary("t/{id}/posts.json", "posts")
        size = self.options.page_size
        for part, start in enumerate(range(0, len(rest), size), start=1):
            ids = rest[start:start + size]
            source_file = f"/t/{topic_id}/posts.json (part {part}: posts {ids[0]} to {ids[-1]})"
            query = "&".join(f"post_ids[]={i}" for i in ids)
            try:
                chunk = self.fetch("posts", f"/t/{topic_id}/posts.json?{query}")
            except Unreachable as e:
                self.abort(e)
                return False
            except (HttpFailure, RecordError) as e:
                self.quarantine_page(chunks_summary, source_file, f"posts of topic {topic_id}: {e}",
                                     _body(e))
                complete = False
                continue
            returned = chunk["post_stream"]["posts"]
            for position, post in enumerate(returned, start=1):
                record = self.read_post(post, position, source_file, topic, first_post_id, chunks_summary)
                if record:
                    read.append(record)
            missing = len(set(ids) - {p.get("id") for p in returned if isinstance(p, dict)})
            if missing:
                chunks_summary.message = "; ".join(filter(None, [
                    chunks_summary.message, f"topic {topic_id}: {missing} requested posts were not returned "
                                            "(deleted or hidden since the topic page was read)"]))
        try:
            accepted = accepted_post_number(view)
        except RecordError:
            accepted = None
        if accepted is None:  # older solved plugins flag only the post
            accepted = next((r["post_number"] for r in read if r["accepted_answer"]), None)
        topic["accepted_post_number"] = accepted
        return complete

    def read_post(self, post, position: int, source_file: str, topic: dict, first_post_id: int | None,
                  summary: FileSummary) -> dict | None:
        summary.read += 1
        try:
            record = parse_post(post, position, source_file, topic["id"], first_post_id, self.base_url,
                                topic["slug"])
            digest = hash(record["raw"])
            seen = self.post_digests.get(record["id"])
            if seen is not None and seen[1] != digest:
                raise RecordError(f"duplicate id {record['id']} with different content (first seen in {seen[0]})")
        except RecordError as e:
            summary.quarantined += 1
            self.batch.quarantine(source_file, position, f"post: {e}", _raw(post))
            if isinstance(post, dict) and isinstance(post.get("id"), int):
                self._saw_post(post["id"])
            return None
        self._saw_post(record["id"])
        summary.landed += 1
        if seen is not None:
            return record  # the same post twice with the same content: loaded once
        self.post_digests[record["id"]] = (source_file, digest)
        self.batch.write("posts", SCHEMAS["posts"], record)
        self._saw_user(post, position, source_file)
        return record

    def _saw_post(self, post_id: int) -> None:
        self.highest_post_id = max(post_id, self.highest_post_id or post_id)

    def _saw_user(self, post: dict, position: int, source_file: str) -> None:
        try:
            user = parse_user(post, position, source_file)
        except RecordError as e:
            key = post.get("user_id")
            self.bad_users.setdefault(key, (source_file, position, f"author of post {post.get('id')}: {e}",
                                            _raw({k: post.get(k) for k in ("user_id", "username", "name")})))
            return
        if user is not None:
            self.users.setdefault(user["id"], user)

    def read_categories(self) -> None:
        self.categories_read = True
        summary = FileSummary(source_file="categories.json", entity="categories", started_at=_now())
        self.batch.manifest.files.append(summary)
        try:
            payload = self.fetch("categories", "/categories.json?include_subcategories=true")
        except Unreachable as e:
            self.abort(e)
            summary.status, summary.message = "unreadable", str(e)
            _finish(summary)
            return
        except (HttpFailure, RecordError) as e:
            self.quarantine_page(summary, "/categories.json", f"categories: {e}",
                                 _body(e))
            _finish(summary, "categories are read again with the next new topic")
            return
        keys = DuplicateKeys()
        pending = list(payload["category_list"]["categories"])
        position = 0
        while pending:
            category = pending.pop(0)
            position += 1
            summary.read += 1
            try:
                record = parse_category(category, position, "/categories.json")
                keys.check(str(record["id"]), f"item {position}", record["raw"])
            except RecordError as e:
                summary.quarantined += 1
                self.batch.quarantine("/categories.json", position, f"category: {e}", _raw(category))
                continue
            if isinstance(category.get("subcategory_list"), list):
                pending.extend(category["subcategory_list"])
            summary.landed += 1
            self.batch.write("categories", SCHEMAS["categories"], record)
        _finish(summary)

    def read_profiles(self) -> None:
        summary = self.summary("u/{username}.json", "users")
        for user_id in sorted(self.users):
            user = self.users[user_id]
            path = f"/u/{quote(user['username'], safe='')}.json"
            try:
                payload = self.fetch("user", path)
                self.users[user_id] = parse_profile(payload, user)
            except Unreachable as e:
                self.abort(e)
                return
            except (HttpFailure, RecordError) as e:
                self.quarantine_page(summary, path, f"profile of {user['username']}: {e}",
                                     _body(e))
                continue
            summary.read += 1
            summary.landed += 1

    def write_users(self) -> None:
        if not self.users and not self.bad_users:
            return
        summary = FileSummary(source_file="post authors", entity="users", started_at=_now())
        self.batch.manifest.files.append(summary)
        for user in self.users.values():
            summary.read += 1
            summary.landed += 1
            self.batch.write("users", SCHEMAS["users"], user)
        for key, (source_file, position, reason, raw) in self.bad_users.items():
            if key in self.users:
                continue  # another post described this author properly
            summary.read += 1
            summary.quarantined += 1
            self.batch.quarantine(source_file, position, reason, raw)
        _finish(summary)

    # -- the cursor -----------------------------------------------------------------------------

    def new_cursor(self) -> dict | None:
        """Where the next run starts: never past a topic (or listing page) that could not be read."""
        bumped, post_id = self.since, self.since_post
        if self.listing_complete and not self.aborted:
            limit = min(self.failed_bumps) if self.failed_bumps else None
            fully_read = [b for b in self.ok_bumps if limit is None or b < limit]
            bumped = max([b for b in [bumped, *fully_read] if b is not None], default=None)
            if not self.failed_bumps and self.highest_post_id is not None:
                post_id = max(self.highest_post_id, post_id or 0)
        if bumped is None and post_id is None:
            return None
        return {"bumped_at": _iso(bumped), "post_id": post_id}


def _read_cursor(cursor: dict | None) -> tuple[dt.datetime | None, int | None]:
    if not cursor:
        return None, None
    try:
        bumped = as_timestamp(cursor.get("bumped_at"), "cursor bumped_at")
    except RecordError:
        bumped = None  # an unreadable cursor means: read everything again (safe, only slower)
    post_id = cursor.get("post_id")
    return bumped, post_id if isinstance(post_id, int) and not isinstance(post_id, bool) else None


def extract(source: Source, batch: BatchWriter, cursor: dict | None, progress: Progress | None) -> dict | None:
    """Read the forum from `cursor` onwards into `batch`; return the cursor to store with it."""
    connection = connection_from(source)
    options = crawl_options(source)
    with DiscourseClient(connection) as client:
        crawl = Crawl(client, connection, batch, cursor, options, progress)
        crawl.run()
    return crawl.new_cursor()
