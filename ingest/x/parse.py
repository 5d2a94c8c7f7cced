"""Pure parse functions for X API v2 payloads: one JSON line in, typed records (or reasons) out.

A line is one of two layouts, told apart per line:

- a **response page** as the API (and `twarc2 search/timeline/...`) writes it: `data` (the tweets, or
  the users of a users lookup), `includes` (`users`, `tweets` = the referenced tweets, `media`,
  `places`, ...), maybe `errors`, `meta`, `__twarc`;
- a **flattened tweet** (`twarc2 flatten`): one tweet per line with its `author`, `in_reply_to_user`,
  mentioned users and referenced tweets inlined.

The records a file is made of are the tweets of `data` (or the flattened lines): these are what the
file summary counts. Everything that came with them, the referenced tweets and the user profiles,
is an **expansion**: loaded as well, but a bad expansion only costs itself. In a page, one bad tweet
costs only that tweet, not the page.

The one validator is `parse_line`; each item it returns says where it was found (a JSON pointer into
the line), whether it is a record or an expansion, and either the typed record or the reason it
cannot be loaded.
"""
from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pyarrow as pa

from ingest.framework import RecordError, landing_schema
from ingest.records import MAX_RECORD_BYTES, RAW_KEEP_BYTES, as_bool, as_int, as_text, as_timestamp

TWEETS_SCHEMA = landing_schema([
    ("id", pa.string()),
    ("author_id", pa.string()),
    ("created_at", pa.timestamp("ms")),
    ("text", pa.string()),               # HTML entities (&amp; &lt; &gt;) decoded; the long form of long posts
    ("lang", pa.string()),
    ("conversation_id", pa.string()),
    ("in_reply_to_user_id", pa.string()),
    ("replied_to_id", pa.string()),
    ("quoted_id", pa.string()),
    ("retweeted_id", pa.string()),
    ("kind", pa.string()),               # tweet, reply, quote, retweet
    ("hashtags", pa.list_(pa.string())),       # as written, first occurrence of each
    ("hashtag_keys", pa.list_(pa.string())),   # the same, lower-cased: the group key
    ("mentions", pa.list_(pa.struct([("id", pa.string()), ("username", pa.string())]))),
    ("metrics", pa.string()),            # public_metrics as JSON
    ("like_count", pa.int64()),
    ("impression_count", pa.int64()),
    ("is_expansion", pa.bool_()),        # a referenced tweet that came with a record, not a record itself
    ("observed_at", pa.timestamp("ms")), # when the payload was fetched (__twarc.retrieved_at), if known
    ("path", pa.string()),               # JSON pointer of the tweet within its line ('' = the line itself)
])

USERS_SCHEMA = landing_schema([
    ("id", pa.string()),
    ("username", pa.string()),
    ("name", pa.string()),
    ("created_at", pa.timestamp("ms")),
    ("description", pa.string()),
    ("location", pa.string()),
    ("website_url", pa.string()),
    ("followers_count", pa.int64()),
    ("following_count", pa.int64()),
    ("tweet_count", pa.int64()),
    ("verified", pa.bool_()),
    ("protected", pa.bool_()),
    ("is_expansion", pa.bool_()),
    ("observed_at", pa.timestamp("ms")),
    ("path", pa.string()),
])

REFERENCE_KINDS = {"retweeted": "retweet", "replied_to": "reply", "quoted": "quote"}
MAX_NESTING = 8  # flattened referenced tweets inside referenced tweets: twarc inlines two levels


@dataclass
class Item:
    """One tweet or user found in a line: its typed record, or why it cannot be loaded."""

    entity: str             # 'tweets' or 'users'
    path: str               # JSON pointer within the line; '' for a flattened line itself
    is_record: bool         # counted in the file summary (a tweet of `data` or a flattened line)
    record: dict | None     # typed record, without source_file / position
    error: str | None       # reason, when record is None
    raw: str                # the object as JSON (the first 64 KiB when oversized)
    id: str | None = None   # the object's id, when it has a readable one


@dataclass
class Line:
    layout: str              # 'page' or 'flat'
    items: list[Item]
    api_errors: int = 0      # entries of a page's `errors` (deleted or suspended referenced objects)


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def x_id(value, name: str, required: bool = False) -> str | None:
    """An X id: a string (or number) of digits."""
    if value is None or value == "":
        if required:
            raise RecordError(f"required field {name} is missing")
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return value
    raise RecordError(f"{name} {_shown(value)} is not an X id (a string of digits)")


def _shown(value) -> str:
    """A value as it appears in the payload, shortened, for a reason."""
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _mapping(value, name: str) -> Mapping:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RecordError(f"{name} should be an object, got {type(value).__name__}")
    return value


def _list(value, name: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{name} should be a list, got {type(value).__name__}")
    return value


def _count(value, name: str) -> int | None:
    if value is not None and not (isinstance(value, int) and not isinstance(value, bool)):
        raise RecordError(f"{name} {_shown(value)} is not an integer")
    return as_int(value, name)


def _created_at(obj: Mapping, required: bool) -> dt.datetime | None:
    value = obj.get("created_at")
    if value is None and required:
        raise RecordError("required field created_at is missing")
    return as_timestamp(value, "created_at")


def _check_size(raw: str, what: str, max_bytes: int) -> None:
    size = len(raw.encode("utf-8"))
    if size > max_bytes:
        limit = f"{max_bytes // 2**20} MiB" if max_bytes % 2**20 == 0 else f"{max_bytes / 2**10:.0f} KiB"
        raise RecordError(f"{what} of {size / 2**20:.1f} MiB is over the {limit} limit per record; "
                          "split it or raise max_record_bytes for this source")


def parse_tweet(obj, fallback_author_id: str | None = None) -> dict:
    """Typed tweet record of one v2 tweet object (either layout)."""
    if not isinstance(obj, Mapping):
        raise RecordError(f"a tweet should be a JSON object, got {type(obj).__name__}")
    tweet_id = x_id(obj.get("id"), "id", required=True)
    text = obj.get("text")
    if text is None:
        raise RecordError("required field text is missing")
    text = short_text = as_text(text, "text")
    note = _mapping(obj.get("note_tweet"), "note_tweet")
    if note.get("text") is not None:  # posts over 280 characters: `text` is cut, the note has it all
        text = as_text(note.get("text"), "note_tweet.text")
    author_id = x_id(obj.get("author_id"), "author_id")
    if author_id is None:
        author_id = fallback_author_id
    elif fallback_author_id is not None and fallback_author_id != author_id:
        raise RecordError(f"author_id {author_id} does not match the inlined author's id {fallback_author_id}")

    references: dict[str, str] = {}
    for i, ref in enumerate(_list(obj.get("referenced_tweets"), "referenced_tweets")):
        ref = _mapping(ref, f"referenced_tweets[{i}]")
        kind = as_text(ref.get("type"), f"referenced_tweets[{i}].type")
        ref_id = x_id(ref.get("id"), f"referenced_tweets[{i}].id", required=True)
        if kind in REFERENCE_KINDS:
            references.setdefault(kind, ref_id)
    kind = next((REFERENCE_KINDS[k] for k in ("retweeted", "replied_to", "quoted") if k in references), "tweet")

    hashtags: dict[str, str] = {}
    mentions: dict[str, str | None] = {}
    for source in (_mapping(obj.get("entities"), "entities"), _mapping(note.get("entities"), "note_tweet.entities")):
        for i, tag in enumerate(_list(source.get("hashtags"), "entities.hashtags")):
            tag = as_text(_mapping(tag, f"entities.hashtags[{i}]").get("tag"), f"entities.hashtags[{i}].tag")
            if tag:
                hashtags.setdefault(tag.lower(), tag)
        for i, mention in enumerate(_list(source.get("mentions"), "entities.mentions")):
            mention = _mapping(mention, f"entities.mentions[{i}]")
            user_id = x_id(mention.get("id"), f"entities.mentions[{i}].id")
            username = as_text(mention.get("username"), f"entities.mentions[{i}].username")
            if user_id is not None:  # payloads without the mentions expansion name users but not their ids
                mentions.setdefault(user_id, username)

    metrics = _mapping(obj.get("public_metrics"), "public_metrics")
    for name, value in metrics.items():
        _count(value, f"public_metrics.{name}")
    created_at = _created_at(obj, required=True)
    return {
        "id": tweet_id,
        "author_id": author_id,
        "created_at": created_at,
        "text": html.unescape(text),  # the API escapes &, < and > in tweet text
        "lang": as_text(obj.get("lang"), "lang"),
        "conversation_id": x_id(obj.get("conversation_id"), "conversation_id"),
        "in_reply_to_user_id": x_id(obj.get("in_reply_to_user_id"), "in_reply_to_user_id"),
        "replied_to_id": references.get("replied_to"),
        "quoted_id": references.get("quoted"),
        "retweeted_id": references.get("retweeted"),
        "kind": kind,
        "hashtags": list(hashtags.values()),
        "hashtag_keys": list(hashtags),
        "mentions": [{"id": k, "username": v} for k, v in mentions.items()],
        "metrics": _json(dict(metrics)) if metrics else None,
        "like_count": metrics.get("like_count"),
        "impression_count": metrics.get("impression_count"),
        "digest": tweet_digest(short_text, created_at),  # not landed: for the duplicate check
    }


def parse_user(obj) -> dict:
    """Typed user record of one v2 user object (`includes.users`, an inlined author or mention)."""
    if not isinstance(obj, Mapping):
        raise RecordError(f"a user should be a JSON object, got {type(obj).__name__}")
    metrics = _mapping(obj.get("public_metrics"), "public_metrics")
    website = as_text(obj.get("url"), "url") or None
    expanded = [u.get("expanded_url") for u in _list(
        _mapping(_mapping(obj.get("entities"), "entities").get("url"), "entities.url").get("urls"), "entities.url.urls")
        if isinstance(u, Mapping) and isinstance(u.get("expanded_url"), str)]
    return {
        "id": x_id(obj.get("id"), "id", required=True),
        "username": as_text(obj.get("username"), "username"),
        "name": as_text(obj.get("name"), "name"),
        "created_at": _created_at(obj, required=False),
        "description": as_text(obj.get("description"), "description"),
        "location": as_text(obj.get("location"), "location"),
        "website_url": expanded[0] if expanded else website,
        "followers_count": _count(metrics.get("followers_count"), "public_metrics.followers_count"),
        "following_count": _count(metrics.get("following_count"), "public_metrics.following_count"),
        "tweet_count": _count(metrics.get("tweet_count"), "public_metrics.tweet_count"),
        "verified": as_bool(obj.get("verified"), "verified"),
        "protected": as_bool(obj.get("protected"), "protected"),
    }


def _is_user(obj) -> bool:
    """A user object rather than a tweet: users lookups put users in `data`."""
    return isinstance(obj, Mapping) and "username" in obj and "text" not in obj


def _is_profile(obj) -> bool:
    """A mention that twarc's flattening filled with the user's profile (not just username and id)."""
    return isinstance(obj, Mapping) and any(k in obj for k in ("name", "created_at", "public_metrics"))


def _item(entity: str, path: str, is_record: bool, obj, max_bytes: int, **context) -> Item:
    raw = _json(obj)
    readable_id = obj.get("id") if isinstance(obj, Mapping) and isinstance(obj.get("id"), (str, int)) else None
    try:
        _check_size(raw, "record" if is_record else "expansion", max_bytes)
        record = parse_tweet(obj, **context) if entity == "tweets" else parse_user(obj)
    except RecordError as e:
        what = "tweet" if entity == "tweets" else "user"
        label = f"{what} {readable_id}: " if readable_id is not None else ""
        return Item(entity, path, is_record, None, label + str(e), _truncate(raw),
                    str(readable_id) if readable_id is not None else None)
    return Item(entity, path, is_record, record, None, raw, record["id"])


def _truncate(raw: str) -> str:
    data = raw.encode("utf-8")
    return raw if len(data) <= RAW_KEEP_BYTES else data[:RAW_KEEP_BYTES].decode("utf-8", "ignore")


def _observed_at(value) -> dt.datetime | None:
    """__twarc.retrieved_at: metadata about the fetch, so an unreadable one is ignored, not quarantined."""
    twarc = value.get("__twarc") if isinstance(value, Mapping) else None
    try:
        return as_timestamp(twarc.get("retrieved_at"), "retrieved_at") if isinstance(twarc, Mapping) else None
    except RecordError:
        return None


def _flat_items(obj: Mapping, path: str, is_record: bool, max_bytes: int, depth: int = 0) -> Iterator[Item]:
    """A flattened tweet, then what twarc inlined into it: author, replied-to user, mentioned users,
    and referenced tweets (each with its own inlined objects)."""
    author = obj.get("author")
    author_id = None
    if isinstance(author, Mapping):
        try:
            author_id = x_id(author.get("id"), "author.id")
        except RecordError:
            author_id = None  # reported with the author item below
    tweet = _item("tweets", path, is_record, obj, max_bytes, fallback_author_id=author_id)
    yield tweet
    if tweet.record is None:
        return  # the tweet itself is unusable: what came inlined with it is not read either
    if author is not None:
        yield _item("users", f"{path}/author", False, author, max_bytes)
    if obj.get("in_reply_to_user") is not None:
        yield _item("users", f"{path}/in_reply_to_user", False, obj["in_reply_to_user"], max_bytes)
    entities = obj.get("entities")
    if isinstance(entities, Mapping) and isinstance(entities.get("mentions"), list):
        for i, mention in enumerate(entities["mentions"]):
            if _is_profile(mention):
                yield _item("users", f"{path}/entities/mentions/{i}", False, mention, max_bytes)
    if depth >= MAX_NESTING:
        return
    for i, ref in enumerate(obj.get("referenced_tweets") or []):
        if isinstance(ref, Mapping) and "text" in ref:  # inlined; a bare {type, id} was not expanded
            yield from _flat_items(ref, f"{path}/referenced_tweets/{i}", False, max_bytes, depth + 1)


def _page_items(value: Mapping, max_bytes: int) -> Iterator[Item]:
    data = value.get("data")
    if isinstance(data, Mapping):  # a single-object lookup (GET /2/tweets/:id)
        data = [data]
    elif data is not None and not isinstance(data, list):
        raise RecordError(f"data should be a list of tweets, got {type(data).__name__}")
    includes = _mapping(value.get("includes"), "includes")
    for i, obj in enumerate(data or []):
        yield _item("users" if _is_user(obj) else "tweets", f"/data/{i}", True, obj, max_bytes)
    for i, obj in enumerate(_list(includes.get("tweets"), "includes.tweets")):
        yield _item("tweets", f"/includes/tweets/{i}", False, obj, max_bytes)
    for i, obj in enumerate(_list(includes.get("users"), "includes.users")):
        yield _item("users", f"/includes/users/{i}", False, obj, max_bytes)


def parse_line(value, max_record_bytes: int = MAX_RECORD_BYTES) -> Line:
    """The one validator: every tweet and user of one parsed JSON line, each typed or with its reason.

    Raises RecordError when the line as a whole cannot be read (neither layout, or a page whose
    structure is broken); the caller quarantines the line.
    """
    if not isinstance(value, Mapping):
        raise RecordError(f"a line should be a JSON object (a response page or a tweet), got {type(value).__name__}")
    observed_at = _observed_at(value)
    if "data" in value or ("meta" in value and "id" not in value):
        items = list(_page_items(value, max_record_bytes))
        errors = value.get("errors")
        line = Line("page", items, len(errors) if isinstance(errors, list) else 0)
    elif any(k in value for k in ("id", "text", "author_id", "username")):
        if _is_user(value):
            line = Line("flat", [_item("users", "", True, value, max_record_bytes)])
        else:
            line = Line("flat", list(_flat_items(value, "", True, max_record_bytes)))
    else:
        keys = ", ".join(list(value)[:8]) or "none"
        raise RecordError(f"neither an X API response page (no data) nor a tweet (no id, text); keys: {keys}")
    for item in line.items:
        if item.record is not None:
            item.record["is_expansion"] = not item.is_record
            item.record["observed_at"] = observed_at
            item.record["path"] = item.path
    return line


def tweet_digest(short_text: str, created_at: dt.datetime) -> str:
    """What must agree when one tweet id is seen twice in a batch: its text and time. Counters and URL
    enrichments legitimately differ between two fetches of the same tweet, as do the fields a request
    asked for (author_id, note_tweet with the long form of a long post), so the short `text` is compared."""
    return _json([short_text, created_at.isoformat()])
