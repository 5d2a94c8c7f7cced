-- Three channels (forum, social, support), several sources per community, cursors, tickets.
--
-- A community now gathers several sources (its forum, its X account, its help desk). Each source has
-- a namespace, unique within the community, that prefixes every id it produces:
-- '<community>/<namespace>/<entity>/<source id>'.

create table sources (
    source_key      varchar primary key,       -- '<community>/<namespace>'
    community_id    varchar not null,
    kind            varchar not null,          -- stackexchange, discourse, x, social_csv, zendesk, twcs
    channel         varchar not null,          -- forum, social, support
    namespace       varchar not null,
    name            varchar,
    location        varchar,                   -- folder, file or API host
    first_loaded_at timestamp not null,
    last_loaded_at  timestamp not null
);

-- Where each source's next incremental read starts. Written in the same transaction as the batch that
-- moved it, so a crash never leaves a cursor ahead of the data.
create table source_cursors (
    source_key  varchar primary key,
    cursor      json not null,
    batch_id    varchar not null,
    updated_at  timestamp not null
);

alter table content add column channel varchar;       -- forum, social, support
update content set channel = 'forum';
alter table content add column lang varchar;          -- language the source reports (X `lang`); NLP adds its own
alter table content add column url varchar;
alter table content add column metrics json;          -- counters the source reports: likes, retweets, quotes, ...

alter table members add column handle varchar;        -- @username on social channels
alter table members add column followers_count integer;
alter table members add column following_count integer;
alter table members add column email_hash varchar;    -- sha256 of the lower-cased email: identity matching without emails
alter table members add column organization varchar;  -- customer account / organisation on support channels

-- Support tickets. The ticket's messages are `content` rows (kind 'ticket_message') whose thread_id is
-- the ticket's content_id; this table holds what only a ticket has.
create table tickets (
    ticket_id            varchar primary key,  -- '<community>/<namespace>/ticket/<id>', also the thread's content_id
    community_id         varchar not null,
    source               varchar not null,     -- namespace
    source_record_id     varchar not null,
    subject              varchar,
    requester_member_id  varchar,
    assignee_member_id   varchar,
    organization         varchar,
    via                  varchar,              -- email, web, chat, twitter, phone, api, ...
    status               varchar,              -- new, open, pending, hold, solved, closed
    priority             varchar,              -- low, normal, high, urgent
    satisfaction         varchar,              -- good, bad, offered, unoffered
    satisfaction_comment varchar,
    tags                 varchar[],
    created_at           timestamp not null,
    updated_at           timestamp,
    first_response_at    timestamp,            -- first public reply by an agent
    solved_at            timestamp,
    raw                  json
);

-- Every change of a ticket's status, priority or assignee, as reported by the source or as seen
-- between two loads.
create table ticket_events (
    event_id     varchar primary key,
    ticket_id    varchar not null,
    community_id varchar not null,
    occurred_at  timestamp not null,
    field        varchar not null,             -- status, priority, assignee
    old_value    varchar,
    new_value    varchar,
    member_id    varchar                       -- who made the change, when known
);
