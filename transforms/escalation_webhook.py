"""Tell the help desk about new escalations: POST each open escalation of mart_escalations once.

Called after the marts are refreshed and published. `escalation_notifications` remembers what was sent;
an escalation is recorded only after the help desk accepted it (HTTP 2xx), so a failed call (refused,
timed out, 5xx) sends it again on the next run and never loses one. A crash between the help desk's
answer and the record can send a batch twice: each batch carries an `Idempotency-Key` header (a digest
of its conversation ids) that a help desk can use to drop the repeat.

The body of each POST (at most `batch_size` escalations):

    {"escalations": [{"community_id": ..., "channel": "forum", "conversation_id": ..., "kind": "question",
                      "group_names": [...], "started_at": "2025-03-04T09:00:00",
                      "escalated_at": "2025-03-04T11:00:00", "allowed_hours": 2.0, "age_hours": 49.0}]}
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import urllib.error
import urllib.request
from pathlib import Path

import duckdb

from transforms.parameters.escalation import configured_webhook


class EscalationWebhookError(RuntimeError):
    """The help desk did not accept a batch; what was not sent is sent on the next run."""


_UNSENT = """
    select community_id, channel, conversation_id, kind, group_names, started_at, escalated_at, allowed_hours,
           age_hours
    from mart_escalations
    where status = 'open'
      and conversation_id not in (select conversation_id from escalation_notifications)
    order by escalated_at, conversation_id"""


def _post(url: str, payload: dict, key: str, timeout: float) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key, "User-Agent": "townsquare"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as e:
        body = e.read(300).decode("utf-8", "replace").strip()
        raise EscalationWebhookError(f"answered HTTP {e.code}{f': {body}' if body else ''}") from e
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise EscalationWebhookError(f"could not be reached ({reason})") from e


def _as_json(row: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in row.items()}


def notify_new_escalations(con: duckdb.DuckDBPyConnection, url: str | None = None,
                           timeout_seconds: float | None = None, *, config_path: Path | None = None,
                           batch_size: int = 100) -> int:
    """POST the open escalations not sent yet to the webhook ([marts.escalation] webhook_url unless `url`
    is given); return how many were sent. No webhook configured: sends nothing, returns 0."""
    if url is None or timeout_seconds is None:
        configured = configured_webhook(config_path)
        url = url or configured.url
        timeout_seconds = timeout_seconds or configured.timeout_seconds
    if not url:
        return 0
    result = con.execute(_UNSENT)
    names = [d[0] for d in result.description]
    unsent = [dict(zip(names, row)) for row in result.fetchall()]
    sent = 0
    for start in range(0, len(unsent), batch_size):
        batch = unsent[start:start + batch_size]
        ids = [row["conversation_id"] for row in batch]
        key = hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()[:32]
        try:
            _post(url, {"escalations": [_as_json(row) for row in batch]}, key, timeout_seconds)
        except EscalationWebhookError as e:
            raise EscalationWebhookError(
                f"escalation webhook {url} {e}: {len(unsent) - sent} escalation(s) not sent "
                f"({sent} sent before); they are sent on the next run. Check [marts.escalation] webhook_url "
                f"and that the help desk is up.") from e.__cause__
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        con.executemany("insert into escalation_notifications values (?, ?, ?, ?, ?) on conflict do nothing",
                        [[r["conversation_id"], r["community_id"], r["channel"], r["escalated_at"], now]
                         for r in batch])
        sent += len(batch)
    return sent
