-- Core canonical model shared by every channel (see docs/warehouse.md).
-- Natural key of every source record = (community_id, source record id), encoded in the *_id columns
-- as '<community>/<entity>/<source id>' so ids are readable in the dashboard and in exports.

create table communities (
    community_id    varchar primary key,
    name            varchar not null,
    source          varchar not null,          -- 'stackexchange', later 'discourse', 'x', 'zendesk', ...
    location        varchar,                   -- dump folder or API host the data came from
    first_loaded_at timestamp not null,
    last_loaded_at  timestamp not null
);

create table groups (
    group_id        varchar primary key,       -- '<community>/tag/<name>'
    community_id    varchar not null,
    source          varchar not null,
    kind            varchar not null,          -- 'tag', later 'category', 'hashtag', 'queue'
    name            varchar not null,
    source_group_id varchar,
    item_count      integer,                   -- count reported by the source (SE Tags.Count)
    raw             json
);

create table members (
    member_id       varchar primary key,       -- '<community>/user/<source user id>'
    community_id    varchar not null,
    source          varchar not null,
    source_user_id  varchar not null,
    display_name    varchar,
    joined_at       timestamp,
    last_seen_at    timestamp,
    reputation      integer,
    location        varchar,
    website_url     varchar,
    about_text      varchar,
    profile_views   integer,
    up_votes        integer,
    down_votes      integer,
    account_id      varchar,                   -- network-wide account (SE AccountId): input to identity resolution
    is_bot          boolean not null default false,
    is_staff        boolean not null default false,
    raw             json
);

create table member_identities (
    community_id    varchar not null,
    source          varchar not null,
    source_user_id  varchar not null,
    member_id       varchar not null,
    primary key (community_id, source, source_user_id)
);

create table content (
    content_id          varchar primary key,   -- '<community>/post/<id>' or '<community>/comment/<id>'
    community_id        varchar not null,
    source              varchar not null,
    source_entity       varchar not null,      -- 'post', 'comment'
    source_record_id    varchar not null,
    kind                varchar not null,      -- question, answer, comment, tag_wiki, tag_wiki_excerpt, ...
    thread_id           varchar,               -- the question a post or comment belongs to
    parent_id           varchar,               -- question of an answer, post of a comment
    author_member_id    varchar,               -- null when the source account was deleted
    author_display_name varchar,
    created_at          timestamp not null,
    edited_at           timestamp,
    last_activity_at    timestamp,
    closed_at           timestamp,
    title               varchar,
    body_text           varchar,               -- HTML turned into plain text
    tags                varchar[],
    score               integer,
    views               integer,
    answer_count        integer,
    comment_count       integer,
    favorite_count      integer,
    accepted_answer_id  varchar,
    text_hash           varchar not null,      -- md5 of title + body_text: the NLP re-enrichment key
    raw                 json                   -- the source record as received
);

create table content_groups (
    content_id   varchar not null,
    group_id     varchar not null,
    community_id varchar not null,
    primary key (content_id, group_id)
);

create table interactions (
    interaction_id   varchar primary key,      -- '<community>/<kind>/<source id>'
    community_id     varchar not null,
    source           varchar not null,
    kind             varchar not null,         -- answer, comment, accept, vote
    vote_type        varchar,                  -- for kind = 'vote': upvote, downvote, favorite, bounty_start, ...
    from_member_id   varchar,                  -- null when the source hides the actor (anonymous SE votes)
    to_member_id     varchar,                  -- author of the content acted on
    content_id       varchar,                  -- the content acted on
    via_content_id   varchar,                  -- the content that carries the interaction (the answer, the comment)
    occurred_at      timestamp not null,
    bounty_amount    integer
);

create table badges (
    badge_id     varchar primary key,
    community_id varchar not null,
    member_id    varchar,
    name         varchar not null,
    awarded_at   timestamp not null,
    badge_class  varchar,                      -- gold, silver, bronze
    tag_based    boolean
);

create table content_links (
    link_id            varchar primary key,
    community_id       varchar not null,
    content_id         varchar not null,
    related_content_id varchar not null,
    link_type          varchar not null,      -- linked, duplicate
    created_at         timestamp not null
);

create table content_history (
    history_id     varchar primary key,
    community_id   varchar not null,
    content_id     varchar not null,
    event_type     varchar not null,          -- initial_body, edit_title, closed, reopened, ...
    event_type_id  integer not null,
    occurred_at    timestamp not null,
    member_id      varchar,
    comment        varchar,
    text           varchar,
    revision_guid  varchar
);

-- Every ingest run, per source file: the reconciliation read = loaded + quarantined.
create table ingest_runs (
    batch_id            varchar not null,
    source              varchar not null,
    community_id        varchar not null,
    source_file         varchar not null,
    entity              varchar not null,
    status              varchar not null,     -- ok, partial (some rows quarantined), missing, unreadable
    records_read        bigint not null,
    records_loaded      bigint not null,
    records_quarantined bigint not null,
    message             varchar,
    started_at          timestamp not null,
    finished_at         timestamp not null,
    primary key (batch_id, source_file)
);

-- Rejected input, one row per record (or per unreadable remainder of a file), with where and why.
create table quarantine (
    community_id   varchar not null,
    source         varchar not null,
    source_file    varchar not null,
    position       bigint not null,           -- line number in the source file
    reason         varchar not null,
    raw            varchar,
    batch_id       varchar not null,
    quarantined_at timestamp not null,
    primary key (community_id, source, source_file, position)
);
