"""Quality rules of the canonical tables, run on a batch's staging tables before it is merged (gate
"staging") and on the core tables before marts are built (gate "core")."""
from __future__ import annotations

from warehouse.quality import WARNING, Suite, at_least, holds, not_null, one_of, unique

CHANNELS = ("forum", "social", "support")
TICKET_STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")


def core_suites(prefix: str = "") -> list[Suite]:
    """Suites for the canonical tables; prefix 'stage_' checks a batch's staging tables instead."""
    return [
        Suite("content", f"{prefix}content", [
            not_null("content_id"), unique("content_id"), not_null("community_id"), not_null("kind"),
            not_null("created_at"), not_null("text_hash"), one_of("channel", CHANNELS),
            holds("created_not_in_future", "content is not dated more than a day in the future", WARNING),
        ], computed={"created_not_in_future": "created_at <= current_timestamp::timestamp + interval 1 day"}),
        Suite("members", f"{prefix}members", [
            not_null("member_id"), unique("member_id"), not_null("community_id"),
            at_least("followers_count", 0, WARNING),
        ]),
        Suite("interactions", f"{prefix}interactions", [
            not_null("interaction_id"), unique("interaction_id"), not_null("kind"), not_null("occurred_at"),
        ]),
        Suite("tickets", f"{prefix}tickets", [
            not_null("ticket_id"), unique("ticket_id"), not_null("created_at"),
            one_of("status", TICKET_STATUSES, WARNING), one_of("priority", TICKET_PRIORITIES, WARNING),
            holds("solved_after_created", "a ticket is not solved before it was created", WARNING),
        ], computed={"solved_after_created": "solved_at is null or solved_at >= created_at"}),
    ]
