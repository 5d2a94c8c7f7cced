"""HTTP to a Discourse forum: credentials, retries with backoff, and errors that say what happened.

- 429 Too Many Requests: waits as long as `Retry-After` says (seconds or an HTTP date), then retries.
- 5xx and connection errors: retries with exponential backoff plus jitter.
- Other 4xx: no retry (asking again will not help).
After `retries` attempts the request fails with `HttpFailure` (the server answered) or `Unreachable`
(it never did). The API key travels only in the `Api-Key` header: it is never part of a URL, a log
line or an error message.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from ingest.framework import NothingReadable
from warehouse.settings import Source

log = logging.getLogger(__name__)

# Module-level so tests (and callers) can replace them: nothing in this module waits or draws
# random numbers any other way.
sleep: Callable[[float], None] = time.sleep
jitter: Callable[[], float] = random.random

MAX_RETRY_AFTER = 300.0  # seconds; a server asking for longer is treated as refusing for now
RETRY_STATUSES = {500, 502, 503, 504}


class HttpFailure(RuntimeError):
    """The server answered, but not with the page (after retries where retrying can help)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class Unreachable(HttpFailure):
    """No answer at all (DNS, refused connection, timeouts) after every retry."""


@dataclass
class Response:
    url: str        # path and query, as requested
    status: int
    body: bytes


@dataclass
class Connection:
    """Where the forum is and how to authenticate; `api_key` stays out of repr and logs."""

    url: str
    api_username: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    retries: int = 5
    backoff: float = 1.0
    max_backoff: float = 60.0

    def headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "townsquare-discourse-connector"}
        if self.api_key:
            headers["Api-Key"] = self.api_key
            headers["Api-Username"] = self.api_username or "system"
        return headers


def _number(options: dict, key: str, default: float, minimum: float) -> float:
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise NothingReadable(f"option {key} = {value!r} should be a number of at least {minimum:g}")
    return value


def connection_from(source: Source) -> Connection:
    """The connection settings of a `[[sources]]` entry (see docs/connectors/discourse.md)."""
    options = source.options
    if "api_key" in options:
        raise NothingReadable("do not put the API key in the configuration file: set it in an environment "
                              "variable and name that variable in api_key_env (or use conn_id under Airflow)")
    url, username, key = options.get("url"), options.get("api_username"), None
    if options.get("conn_id"):
        conn = _airflow_connection(options["conn_id"])
        url = url or conn.host
        username = username or conn.login
        key = conn.password
    if options.get("api_key_env"):
        name = options["api_key_env"]
        key = os.environ.get(name)
        if not key:
            raise NothingReadable(f"api_key_env names the environment variable {name}, which is not set: "
                                  "set it to the forum's API key")
    if not url or not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        raise NothingReadable(f"source {source.key}: url should be the forum's address, like "
                              f"https://forum.example.com (got {url!r})")
    return Connection(url=url.rstrip("/"), api_username=username, api_key=key,
                      timeout=_number(options, "request_timeout", 30.0, 1),
                      retries=int(_number(options, "retries", 5, 1)),
                      backoff=_number(options, "backoff_seconds", 1.0, 0))


def _airflow_connection(conn_id: str):
    try:
        from airflow.sdk import BaseHook
    except ImportError:
        raise NothingReadable(f"conn_id = {conn_id!r} needs Airflow, which is not installed here: "
                              "use api_key_env instead") from None
    try:
        return BaseHook.get_connection(conn_id)
    except Exception as e:  # Airflow raises its own not-found types, which vary by version
        raise NothingReadable(f"Airflow connection {conn_id!r} could not be read: {type(e).__name__}") from None


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


class DiscourseClient:
    """GET JSON pages of one forum with retries. Use as a context manager."""

    def __init__(self, connection: Connection, transport: httpx.BaseTransport | None = None):
        self.connection = connection
        self.host = urlsplit(connection.url).netloc
        self.http = httpx.Client(base_url=connection.url, headers=connection.headers(),
                                 timeout=connection.timeout, follow_redirects=False, transport=transport)

    def __enter__(self) -> "DiscourseClient":
        return self

    def __exit__(self, *exc) -> None:
        self.http.close()

    def _backoff(self, attempt: int) -> float:
        base = min(self.connection.max_backoff, self.connection.backoff * 2 ** (attempt - 1))
        return base * (1 + jitter())

    def get(self, path: str) -> Response:
        """The response to GET `path` (with its query): 2xx, or HttpFailure / Unreachable."""
        attempts = self.connection.retries
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            try:
                response = self._get_following_redirects(path)
            except httpx.TransportError as e:
                problem = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
                if last:
                    raise Unreachable(f"could not connect to {self.host} for GET {path} after {attempts} "
                                      f"attempts ({problem}); check the url and the network") from None
                wait = self._backoff(attempt)
                log.warning("GET %s: %s; retrying in %.1f s (attempt %d of %d)", path, problem, wait, attempt,
                            attempts)
                sleep(wait)
                continue
            status = response.status_code
            if 200 <= status < 300:
                return Response(path, status, response.content)
            if status == 429 or status in RETRY_STATUSES:
                waited = retry_after_seconds(response.headers.get("Retry-After"))
                if waited is not None and waited > MAX_RETRY_AFTER:
                    raise HttpFailure(f"GET {path}: HTTP {status}, and the server asks to wait {waited:.0f} s "
                                      f"(more than {MAX_RETRY_AFTER:.0f}); try again later", status)
                if last:
                    raise HttpFailure(f"GET {path}: HTTP {status} after {attempts} attempts", status)
                wait = waited if waited is not None else self._backoff(attempt)
                log.warning("GET %s: HTTP %d; retrying in %.1f s (attempt %d of %d)", path, status, wait, attempt,
                            attempts)
                sleep(wait)
                continue
            raise HttpFailure(f"GET {path}: HTTP {status}{_hint(status)}", status)
        raise AssertionError("unreachable")

    def _get_following_redirects(self, path: str) -> httpx.Response:
        # Redirects are followed only within the forum's own host, so the Api-Key header never
        # travels to another one.
        target = path
        for _ in range(5):
            response = self.http.get(target)
            if not response.is_redirect:
                return response
            target = urljoin(str(response.url), response.headers.get("Location", ""))
            host = urlsplit(target).netloc
            if host != self.host:
                raise HttpFailure(f"GET {path}: redirected to another host ({host}); not followed, so the API "
                                  "key is not sent there. Set url to the forum's canonical address",
                                  response.status_code)
        raise HttpFailure(f"GET {path}: too many redirects")


def _hint(status: int) -> str:
    if status in (401, 403):
        return (" (access denied: check the API key in api_key_env / conn_id and api_username, "
                "and that the key may read this forum)")
    if status == 404:
        return " (not found: deleted, or not visible to api_username)"
    return ""
