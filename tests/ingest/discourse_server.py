"""A local fake Discourse: serves the recorded-style fixtures in fixtures/discourse over HTTP.

It answers the calls the connector makes, shaped like the real API:

- `/latest.json?order=activity&page=N`: topics by `bumped_at`, newest first, pinned ones heading
  page 0, `per_page` a page, `more_topics_url` while more remain;
- `/categories.json?include_subcategories=true`;
- `/t/{id}.json`: the topic with its first `chunk_size` posts and the stream of all post ids;
- `/t/{id}/posts.json?post_ids[]=...`: the requested posts;
- `/u/{username}.json`: a profile.

Every request is logged (`requests`, path and query decoded, and `headers`). `fail(path, ...)`
queues responses served instead of the real one (429, 500, a malformed body), and `edit(path, fn)`
changes a real response before it is sent. `apply_changes()` moves the forum to its second state.
"""
from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "discourse"


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass
class Canned:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class FakeDiscourse:
    def __init__(self, per_page: int = 3, chunk_size: int = 4, api_key: str | None = None):
        self.per_page, self.chunk_size, self.api_key = per_page, chunk_size, api_key
        self.categories = load_fixture("categories.json")
        self.profiles = load_fixture("users.json")
        topics = load_fixture("forum.json")["topics"]
        self.topics: dict[int, dict] = {t["topic"]["id"]: t for t in topics}
        self.requests: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.canned: dict[str, list[Canned]] = {}
        self.edits: dict[str, Callable[[dict], object]] = {}
        self._server: ThreadingHTTPServer | None = None

    # -- control --------------------------------------------------------------------------------

    def start(self) -> "FakeDiscourse":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                fake._handle(self)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail(self, path: str, status: int = 500, body: bytes | str = b'{"errors":["boom"]}',
             headers: dict[str, str] | None = None, times: int = 1) -> None:
        """Serve this response instead of the real one, `times` times, to GET `path` (decoded, with query)."""
        body = body.encode("utf-8") if isinstance(body, str) else body
        self.canned.setdefault(path, []).extend(Canned(status, body, dict(headers or {})) for _ in range(times))

    def edit(self, path: str, change: Callable[[dict], object]) -> None:
        """Change the JSON of the real response to `path` before sending it (every time)."""
        self.edits[path] = change

    def apply_changes(self) -> None:
        """The forum's second state: a topic bumped by a new reply, and a new topic."""
        changes = load_fixture("changes.json")
        for topic_id, fields in changes["topics"].items():
            self.topics[int(topic_id)]["topic"].update(fields)
        for topic_id, fields in changes["view_changes"].items():
            self.topics[int(topic_id)]["view"].update(fields)
        for topic_id, edits in changes["post_changes"].items():
            for post in self.topics[int(topic_id)]["posts"]:
                post.update(edits.get(str(post["id"]), {}))
        for topic_id, posts in changes["new_posts"].items():
            self.topics[int(topic_id)]["posts"].extend(posts)
        for entry in changes["new_topics"]:
            self.topics[entry["topic"]["id"]] = entry

    def requests_to(self, prefix: str) -> list[str]:
        return [r for r in self.requests if r.startswith(prefix)]

    # -- the API --------------------------------------------------------------------------------

    def listing(self) -> list[dict]:
        """Topics as /latest lists them: pinned first, then by bump, newest first."""
        topics = [t["topic"] for t in self.topics.values()]
        pinned = sorted((t for t in topics if t["pinned"]), key=lambda t: t["bumped_at"], reverse=True)
        others = sorted((t for t in topics if not t["pinned"]), key=lambda t: t["bumped_at"], reverse=True)
        return pinned + others

    def _latest(self, query: dict) -> tuple[int, object]:
        page = int(query.get("page", ["0"])[0])
        topics = self.listing()
        start = page * self.per_page
        shown = copy.deepcopy(topics[start:start + self.per_page])
        topic_list = {"can_create_topic": True, "per_page": self.per_page, "top_tags": [], "topics": shown}
        if start + self.per_page < len(topics):
            topic_list["more_topics_url"] = f"/latest?no_definitions=true&order=activity&page={page + 1}"
        user_ids = sorted({p["user_id"] for t in shown for p in t["posters"]})
        users = [{"id": uid, "username": self._username(uid), "avatar_template": ""} for uid in user_ids]
        return 200, {"users": users, "primary_groups": [], "flair_groups": [], "topic_list": topic_list}

    def _username(self, user_id: int) -> str:
        for profile in self.profiles.values():
            if profile["user"]["id"] == user_id:
                return profile["user"]["username"]
        return f"user{user_id}"

    def _topic(self, topic_id: int) -> tuple[int, object]:
        entry = self.topics.get(topic_id)
        if entry is None:
            return 404, {"errors": ["The requested URL or resource could not be found."], "error_type": "not_found"}
        topic, posts = entry["topic"], entry["posts"]
        view = {k: topic[k] for k in ("id", "title", "fancy_title", "posts_count", "created_at", "views",
                                      "reply_count", "like_count", "last_posted_at", "visible", "closed",
                                      "archived", "archetype", "slug", "category_id", "tags", "pinned_globally",
                                      "pinned", "highest_post_number")}
        view.update(copy.deepcopy(entry["view"]))
        view["post_stream"] = {"posts": copy.deepcopy(posts[:self.chunk_size]), "stream": [p["id"] for p in posts]}
        return 200, view

    def _posts(self, topic_id: int, query: dict) -> tuple[int, object]:
        entry = self.topics.get(topic_id)
        if entry is None:
            return 404, {"errors": ["not found"]}
        wanted = {int(i) for i in query.get("post_ids[]", [])}
        posts = [copy.deepcopy(p) for p in entry["posts"] if p["id"] in wanted]
        return 200, {"post_stream": {"posts": posts}, "id": topic_id}

    def _route(self, path: str, query: dict) -> tuple[int, object]:
        parts = path.strip("/").split("/")
        if path == "/latest.json":
            return self._latest(query)
        if path == "/categories.json":
            return 200, copy.deepcopy(self.categories)
        if len(parts) == 2 and parts[0] == "t" and parts[1].endswith(".json"):
            return self._topic(int(parts[1][:-5]))
        if len(parts) == 3 and parts[0] == "t" and parts[2] == "posts.json":
            return self._posts(int(parts[1]), query)
        if len(parts) == 2 and parts[0] == "u" and parts[1].endswith(".json"):
            profile = self.profiles.get(unquote(parts[1][:-5]))
            return (200, copy.deepcopy(profile)) if profile else (404, {"errors": ["not found"]})
        return 404, {"errors": ["not found"]}

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query)
        logged = unquote(handler.path)
        self.requests.append(logged)
        self.headers.append(dict(handler.headers.items()))
        queue = self.canned.get(logged) or self.canned.get(parts.path)
        if queue:
            canned = queue.pop(0)
            self._send(handler, canned.status, canned.body, canned.headers)
            return
        if self.api_key is not None and handler.headers.get("Api-Key") != self.api_key:
            self._send(handler, 403, b'{"errors":["You are not permitted to view the requested resource."]}', {})
            return
        status, payload = self._route(parts.path, query)
        change = self.edits.get(logged) or self.edits.get(parts.path)
        if change is not None and status == 200:
            result = change(payload)
            if isinstance(result, bytes):  # the edit replaced the body outright
                self._send(handler, status, result, {})
                return
        self._send(handler, status, json.dumps(payload).encode("utf-8"), {})

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)
