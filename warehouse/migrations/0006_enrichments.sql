-- NLP enrichment of content, one row per item text and pipeline version: an item is enriched again
-- only when its text changes (text_hash) or the pipeline does (pipeline_version).
create table enrichments (
    content_id          varchar not null,
    text_hash           varchar not null,
    pipeline_version    varchar not null,
    community_id        varchar not null,
    language            varchar,           -- ISO 639-1, or 'und' (undetermined)
    language_confidence double,
    language_reason     varchar,           -- why the language is undetermined
    error               varchar,           -- why the item could not be enriched; it is still counted
    enriched_at         timestamp not null,
    primary key (content_id, text_hash, pipeline_version)
);
