"""The Discourse connector's one validator: pure functions from API responses to typed records.

`parse_page` decides whether a response can be read at all (valid UTF-8, valid JSON, the keys the
endpoint promises); `parse_record` turns one object of a readable page into a typed landing record.
Both raise RecordError with a reason a person can act on; extract quarantines what they reject
(a whole page, or one record of it) and carries on. No I/O here.
"""
from __future__ import annotations

import json
from collections.abc import Mapping

import pyarrow as pa

from ingest.framework import RecordError, landing_schema
from ingest.records import MAX_RECORD_BYTES, as_bool, as_int, as_text, as_timestamp, field
from ingest.text import html_to_text

LIKE = 2  # PostActionType id of a like in `actions_summary`

SCHEMAS: dict[str, pa.Schema] = {
    "categories": landing_schema([
        ("id", pa.int64()), ("name", pa.string()), ("slug", pa.string()), ("parent_category_id", pa.int64()),
        ("topic_count", pa.int64()), ("post_count", pa.int64()), ("description_text", pa.string()),
    ]),
    "topics": landing_schema([
        ("id", pa.int64()), ("title", pa.string()), ("slug", pa.string()), ("category_id", pa.int64()),
        ("created_at", pa.timestamp("ms")), ("bumped_at", pa.timestamp("ms")),
        ("last_posted_at", pa.timestamp("ms")), ("views", pa.int64()), ("posts_count", pa.int64()),
        ("like_count", pa.int64()), ("pinned", pa.bool_()), ("closed", pa.bool_()), ("archived", pa.bool_()),
        ("tags", pa.list_(pa.string())),
        # from the topic's own page (/t/{id}.json), when it could be read
        ("accepted_post_number", pa.int64()),
    ]),
    "posts": landing_schema([
        ("id", pa.int64()), ("topic_id", pa.int64()), ("post_number", pa.int64()), ("post_type", pa.int64()),
        ("topic_first_post_id", pa.int64()), ("user_id", pa.int64()), ("username", pa.string()),
        ("display_name", pa.string()), ("created_at", pa.timestamp("ms")), ("updated_at", pa.timestamp("ms")),
        ("version", pa.int64()), ("reply_to_post_number", pa.int64()), ("reply_count", pa.int64()),
        ("reads", pa.int64()), ("like_count", pa.int64()), ("accepted_answer", pa.bool_()),
        ("body_text", pa.string()), ("url", pa.string()),
    ]),
    "users": landing_schema([
        ("id", pa.int64()), ("username", pa.string()), ("name", pa.string()), ("trust_level", pa.int64()),
        ("admin", pa.bool_()), ("moderator", pa.bool_()), ("staff", pa.bool_()),
        # from /u/{username}.json, only with `user_profiles = true`
        ("joined_at", pa.timestamp("ms")), ("last_seen_at", pa.timestamp("ms")), ("location", pa.string()),
        ("website_url", pa.string()),
    ]),
}

# What each endpoint's response must hold to be read at all: (description, path, type).
PAGE_SHAPES: dict[str, tuple[str, str, type]] = {
    "latest": ("topic_list.topics (a list)", "topic_list.topics", list),
    "categories": ("category_list.categories (a list)", "category_list.categories", list),
    "topic": ("post_stream.posts and post_stream.stream (lists)", "post_stream.posts", list),
    "posts": ("post_stream.posts (a list)", "post_stream.posts", list),
    "user": ("user (an object)", "user", dict),
}


def parse_page(endpoint: str, body: bytes) -> dict:
    """The JSON object of a response, or RecordError saying why the page cannot be read."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise RecordError(f"not valid UTF-8 (byte {e.start}): the server sent a broken response") from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as e:
        stripped = text.strip()
        # A body that starts like JSON but breaks off (mid-string, or without its closing bracket).
        if stripped[:1] in ("{", "[") and (e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated")
                                          or stripped[-1:] not in ("}", "]")):
            raise RecordError("truncated: the response ends in the middle of the JSON "
                              f"({len(body)} bytes received)") from None
        raise RecordError(f"not valid JSON ({e.msg} at line {e.lineno} column {e.colno}); "
                          f"the response starts {text[:60]!r}") from None
    description, path, kind = PAGE_SHAPES[endpoint]
    if not isinstance(payload, dict) or not isinstance(field(payload, path), kind):
        keys = ", ".join(sorted(payload)[:8]) if isinstance(payload, dict) else type(payload).__name__
        raise RecordError(f"expected {description} in the response, got {keys or 'an empty object'}")
    if endpoint == "topic" and not isinstance(field(payload, "post_stream.stream"), list):
        raise RecordError("expected post_stream.stream (the list of the topic's post ids) in the response")
    return payload


def _raw(obj: Mapping) -> str:
    raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    if len(raw.encode("utf-8")) > MAX_RECORD_BYTES:
        raise RecordError(f"record of {len(raw.encode('utf-8')) / 2**20:.1f} MiB is over the "
                          f"{MAX_RECORD_BYTES / 2**20:.0f} MiB limit per record")
    return raw


def _required_int(obj: Mapping, name: str) -> int:
    value = as_int(field(obj, name, required=True), name)
    return value


def _object(value, name: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise RecordError(f"{name} should be a JSON object, got {type(value).__name__}")
    return value


def parse_category(obj, position: int, source_file: str) -> dict:
    obj = _object(obj, "category")
    # Subcategories are records of their own; keep them out of the parent's raw.
    raw = _raw({k: v for k, v in obj.items() if k != "subcategory_list"})
    name = as_text(field(obj, "name", required=True), "name")
    return {
        "id": _required_int(obj, "id"), "name": name, "slug": as_text(obj.get("slug"), "slug"),
        "parent_category_id": as_int(obj.get("parent_category_id"), "parent_category_id"),
        "topic_count": as_int(obj.get("topic_count"), "topic_count"),
        "post_count": as_int(obj.get("post_count"), "post_count"),
        "description_text": as_text(obj.get("description_text"), "description_text"),
        "source_file": source_file, "position": position, "raw": raw,
    }


def _tags(value) -> list[str]:
    # Older forums send tag names; newer ones objects with a name.
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"tags should be a list, got {type(value).__name__}")
    names = []
    for tag in value:
        name = tag.get("name") if isinstance(tag, Mapping) else tag
        if not isinstance(name, str):
            raise RecordError(f"tag {tag!r} has no name")
        names.append(name)
    return names


def parse_topic(obj, position: int, source_file: str) -> dict:
    """A topic as listed on /latest.json; `accepted_post_number` is filled in from its own page."""
    obj = _object(obj, "topic")
    bumped_at = as_timestamp(field(obj, "bumped_at", required=True), "bumped_at")
    return {
        "id": _required_int(obj, "id"), "title": as_text(field(obj, "title", required=True), "title"),
        "slug": as_text(obj.get("slug"), "slug"), "category_id": as_int(obj.get("category_id"), "category_id"),
        "created_at": as_timestamp(obj.get("created_at"), "created_at"), "bumped_at": bumped_at,
        "last_posted_at": as_timestamp(obj.get("last_posted_at"), "last_posted_at"),
        "views": as_int(obj.get("views"), "views"), "posts_count": as_int(obj.get("posts_count"), "posts_count"),
        "like_count": as_int(obj.get("like_count"), "like_count"),
        "pinned": bool(as_bool(obj.get("pinned"), "pinned") or as_bool(obj.get("pinned_globally"), "pinned_globally")),
        "closed": as_bool(obj.get("closed"), "closed"), "archived": as_bool(obj.get("archived"), "archived"),
        "tags": _tags(obj.get("tags")), "accepted_post_number": None,
        "source_file": source_file, "position": position, "raw": _raw(obj),
    }


def accepted_post_number(view: Mapping) -> int | None:
    """The accepted answer's post number from a topic page (the solved plugin), if any."""
    accepted = view.get("accepted_answer")
    if isinstance(accepted, Mapping):
        return as_int(accepted.get("post_number"), "accepted_answer.post_number")
    return None


def _likes(obj: Mapping) -> int:
    summary = obj.get("actions_summary")
    if summary is None:
        return 0
    if not isinstance(summary, list):
        raise RecordError(f"actions_summary should be a list, got {type(summary).__name__}")
    for action in summary:
        if isinstance(action, Mapping) and action.get("id") == LIKE:
            return as_int(action.get("count"), "actions_summary like count") or 0
    return 0


def parse_post(obj, position: int, source_file: str, topic_id: int, first_post_id: int | None,
               base_url: str, slug: str | None) -> dict:
    """One post of a topic page or of /t/{id}/posts.json."""
    obj = _object(obj, "post")
    post_id = _required_int(obj, "id")
    post_topic = as_int(obj.get("topic_id"), "topic_id")
    if post_topic is not None and post_topic != topic_id:
        raise RecordError(f"post {post_id} says it belongs to topic {post_topic}, but was listed in topic {topic_id}")
    post_number = _required_int(obj, "post_number")
    raw = _raw(obj)
    created_at = as_timestamp(field(obj, "created_at", required=True), "created_at")
    name = as_text(obj.get("name"), "name")
    username = as_text(obj.get("username"), "username")
    return {
        "id": post_id, "topic_id": topic_id, "post_number": post_number,
        "post_type": as_int(obj.get("post_type"), "post_type"),
        "topic_first_post_id": post_id if post_number == 1 else first_post_id,
        "user_id": as_int(obj.get("user_id"), "user_id"), "username": username,
        "display_name": name or username, "created_at": created_at,
        "updated_at": as_timestamp(obj.get("updated_at"), "updated_at"),
        "version": as_int(obj.get("version"), "version"),
        "reply_to_post_number": as_int(obj.get("reply_to_post_number"), "reply_to_post_number"),
        "reply_count": as_int(obj.get("reply_count"), "reply_count"), "reads": as_int(obj.get("reads"), "reads"),
        "like_count": _likes(obj), "accepted_answer": bool(as_bool(obj.get("accepted_answer"), "accepted_answer")),
        "body_text": html_to_text(as_text(obj.get("cooked"), "cooked")),
        "url": f"{base_url}/t/{slug or 'topic'}/{topic_id}/{post_number}",
        "source_file": source_file, "position": position, "raw": raw,
    }


USER_FIELDS = ("id", "username", "name", "avatar_template", "trust_level", "admin", "moderator", "staff",
               "user_title")


def parse_user(post: Mapping, position: int, source_file: str) -> dict | None:
    """The author of a post, as the post describes them; None for a post without an author."""
    if post.get("user_id") is None:
        return None  # the account was deleted: the post keeps no author
    seen = {"id": post["user_id"], **{k: post.get(k) for k in USER_FIELDS[1:]}}
    return {
        "id": _required_int(seen, "id"), "username": as_text(field(seen, "username", required=True), "username"),
        "name": as_text(seen.get("name"), "name"), "trust_level": as_int(seen.get("trust_level"), "trust_level"),
        "admin": as_bool(seen.get("admin"), "admin"), "moderator": as_bool(seen.get("moderator"), "moderator"),
        "staff": as_bool(seen.get("staff"), "staff"),
        "joined_at": None, "last_seen_at": None, "location": None, "website_url": None,
        "source_file": source_file, "position": position,
        "raw": json.dumps(seen, ensure_ascii=False, separators=(",", ":")),
    }


def parse_profile(payload: Mapping, user: dict) -> dict:
    """`user` with what /u/{username}.json adds (join date, last seen, location, website)."""
    profile = _object(payload.get("user"), "user")
    profile_id = as_int(profile.get("id"), "user.id")
    if profile_id is not None and profile_id != user["id"]:
        raise RecordError(f"profile of {user['username']} has id {profile_id}, but their posts say {user['id']}")
    raw = json.loads(user["raw"])
    raw["profile"] = {k: profile.get(k) for k in ("created_at", "last_seen_at", "location", "website")}
    return {**user,
            "joined_at": as_timestamp(profile.get("created_at"), "user.created_at"),
            "last_seen_at": as_timestamp(profile.get("last_seen_at"), "user.last_seen_at"),
            "location": as_text(profile.get("location"), "user.location"),
            "website_url": as_text(profile.get("website"), "user.website"),
            "raw": json.dumps(raw, ensure_ascii=False, separators=(",", ":"))}
