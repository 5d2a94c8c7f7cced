-- Escalations already sent to the help desk's webhook (transforms/escalation_webhook.py): each open
-- escalation is posted once, and recorded only after the help desk accepted it.
create table escalation_notifications (
    conversation_id varchar primary key,
    community_id    varchar not null,
    channel         varchar not null,
    escalated_at    timestamp not null,
    notified_at     timestamp not null
);
