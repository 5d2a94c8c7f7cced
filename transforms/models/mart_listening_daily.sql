-- Grain: one row per community, channel and day with listening items (sparse): volume and sentiment of
-- what members said. Non-English items count as volume and are left out of sentiment, visibly.
-- key: community_id, channel, day
-- refresh: daily
-- range: items 0 -
-- range: net_sentiment -1 1
-- range: mean_sentiment -1 1
-- check: items = items_scored + items_other_language + items_not_enriched + items_not_analysable | every item is scored or left out for a stated reason
-- check: items_scored = positive + neutral + negative | every scored item has one label
with final as (
    select
        community_id,
        channel,
        day,
        count(*) as items,
        count(*) filter (where sentiment_status = 'scored') as items_scored,
        count(*) filter (where sentiment_status = 'other_language') as items_other_language,
        count(*) filter (where sentiment_status = 'not_enriched') as items_not_enriched,
        count(*) filter (where sentiment_status = 'not_analysable') as items_not_analysable,
        count(*) filter (where sentiment_status = 'scored' and sentiment_label = 'positive') as positive,
        count(*) filter (where sentiment_status = 'scored' and sentiment_label = 'neutral') as neutral,
        count(*) filter (where sentiment_status = 'scored' and sentiment_label = 'negative') as negative,
        -- (positive - negative) / scored: +1 all positive, -1 all negative, null when nothing was scored
        (count(*) filter (where sentiment_status = 'scored' and sentiment_label = 'positive')
         - count(*) filter (where sentiment_status = 'scored' and sentiment_label = 'negative'))
            / nullif(count(*) filter (where sentiment_status = 'scored'), 0) as net_sentiment,
        avg(sentiment) filter (where sentiment_status = 'scored') as mean_sentiment
    from int_listening_items
    -- only the days being recomputed (every day on a full build)
    where day between (select min(day) from refresh_days) and (select max(day) from refresh_days)
    group by community_id, channel, day
)

select * from final
