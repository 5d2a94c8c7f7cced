-- Emerging topics (docs/nlp/emerging_topics.md): themes discovered per community and period without a
-- taxonomy, each labelled by its top terms, with growth against the previous period.
-- One period kind (month or week, [topics.emerging] period) is kept at a time; period_kind is in every
-- key so a row always says which one it belongs to.

-- Every period of every community that has content, analysed or not: what was counted, what was left
-- out and why, and the fingerprints that decide whether a refresh must compute it again.
create table emerging_topic_periods (
    community_id          varchar not null,
    period_kind           varchar not null,   -- month, week (ISO, from Monday)
    period_start          date not null,
    period_end            date not null,      -- exclusive
    status                varchar not null,   -- themes; too_few_items, too_few_terms: skipped, no themes
    items                 bigint not null,    -- content items of the period (all languages)
    items_analysed        bigint not null,    -- English or undetermined: the denominator of every share
    items_other_language  bigint not null,    -- left out: written in another language
    items_not_enriched    bigint not null,    -- left out: no enrichment of the item's current text yet
    items_not_analysable  bigint not null,    -- left out: enrichment recorded an error (e.g. no text)
    items_with_theme      bigint not null,    -- analysed items assigned to a reported theme
    themes                integer not null,
    previous_items_analysed bigint,           -- the baseline for growth; null: no usable previous period
    fingerprint           varchar not null,   -- md5 of the period's (content_id, text_hash, language status)
    previous_fingerprint  varchar not null,   -- the previous period's fingerprint when this one was computed
    parameters            varchar not null,   -- fingerprint of the settings and method version
    computed_at           timestamp not null,
    primary key (community_id, period_kind, period_start)
);

-- One row per reported theme: rank 1 is the theme with the most items.
create table emerging_topics (
    community_id    varchar not null,
    period_kind     varchar not null,
    period_start    date not null,
    theme_rank      integer not null,
    label           varchar not null,         -- the first top terms, as people wrote them, joined by ', '
    top_terms       varchar[] not null,       -- strongest first, most frequent written form
    term_keys       varchar[] not null,       -- the same terms as base-form keys (nlp.wordforms.base_form)
    items           bigint not null,          -- analysed items whose dominant theme this is
    share           double not null,          -- items / items_analysed of the period
    previous_items  bigint,                   -- previous period's items dominated by this theme (null: no baseline)
    previous_share  double,
    growth          double,                   -- (share - previous_share) / max(previous_share, 1 / previous analysed)
    is_new          boolean,                  -- no item of the previous period had this theme (null: no baseline)
    computed_at     timestamp not null,
    primary key (community_id, period_kind, period_start, theme_rank)
);

-- The items behind each theme (drill-down), with the item's weight on it.
create table emerging_topic_items (
    community_id    varchar not null,
    period_kind     varchar not null,
    period_start    date not null,
    theme_rank      integer not null,
    content_id      varchar not null,
    weight          double not null,
    primary key (community_id, period_kind, period_start, content_id)
);
