-- Ideation (docs/nlp/ideation.md): ideas and feature requests grouped into themes, near-duplicates merged.
-- Written by nlp.ideation.refresh_idea_themes after enrichment; the marts mart_idea_themes and
-- mart_idea_posts add votes, supporters, sentiment, status and trend.

-- One row per theme: a group of ideas about the same thing, labelled by its top terms.
create table idea_themes (
    community_id  varchar not null,
    theme_id      varchar not null,           -- md5 (first 16 hex) of the community and the smallest member content_id
    label         varchar not null,           -- the first top terms, as people wrote them, joined by ', '
    terms         varchar[] not null,         -- strongest first
    ideas         integer not null,           -- member posts that are not duplicates of another
    posts         integer not null,           -- every member post, duplicates included
    parameters    varchar not null,           -- fingerprint of the settings and method that made it
    computed_at   timestamp not null,
    primary key (community_id, theme_id)
);

-- Every idea post, with its theme and, for a near-duplicate, the post it repeats.
create table idea_theme_items (
    community_id     varchar not null,
    theme_id         varchar not null,
    content_id       varchar not null,
    is_duplicate_of  varchar,                 -- null: an original idea; else the original (same theme)
    duplicate_reason varchar,                 -- link (the source marked it duplicate) or similarity
    similarity       double,                  -- text similarity to the original (TF-IDF cosine)
    found_by         varchar not null,        -- tag, intent, or tag+intent: why the post is an idea
    primary key (community_id, content_id)
);
