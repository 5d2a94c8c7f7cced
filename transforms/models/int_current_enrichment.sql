-- Grain: one row per content item with an enrichment of its current text: the latest one (by enriched_at,
-- then pipeline version). While a new pipeline version is rolled out, an item keeps its previous result
-- until its new one lands, rather than dropping out of sentiment and topics. Every mart that reads
-- language, sentiment, topics, intent or entities reads them from here.
-- key: content_id
-- refresh: daily
with changed_content as (
    -- only the items of the days being recomputed (every day on a full build)
    select c.content_id, c.community_id, c.text_hash, c.created_at::date as day
    from content c
    where c.created_at >= (select min(day) from refresh_days)
),

final as (
    select
        c.content_id, c.community_id, c.day,
        e.pipeline_version, e.enriched_at, e.error,
        e.language, e.sentiment, e.sentiment_label, e.topics, e.learned_topic, e.intent, e.entities
    from changed_content c
    semi join refresh_days r on r.community_id = c.community_id and r.day = c.day
    join enrichments e on e.content_id = c.content_id and e.text_hash = c.text_hash
    qualify row_number() over (partition by e.content_id order by e.enriched_at desc, e.pipeline_version desc) = 1
)

select * from final
