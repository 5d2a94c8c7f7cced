-- Grain: one row per community, topic, topic source and day with items on the topic (sparse).
-- topic_source 'taxonomy': the team's [[topics.taxonomy]] topics (an item can have several);
-- 'learned': the topic the trained model gave the item (one at most). Items with no topic are not rows
-- here; taxonomy topics are only given to English or undetermined items (docs/nlp/taxonomy_topics.md).
-- key: community_id, topic, topic_source, day
-- refresh: daily
-- range: items 0 -
-- range: net_sentiment -1 1
-- range: mean_sentiment -1 1
-- check: items_scored = positive + neutral + negative | every scored item has one label
-- check: items_scored + items_other_language <= items | scored and other-language items are among the items
with items as (
    select * from int_listening_items
    where day between (select min(day) from refresh_days) and (select max(day) from refresh_days)
),

item_topics as (
    select distinct content_id, community_id, day, unnest(topics) as topic, 'taxonomy' as topic_source,
           sentiment_status, sentiment_label, sentiment
    from items
    where len(topics) > 0
    union all
    select content_id, community_id, day, learned_topic, 'learned', sentiment_status, sentiment_label, sentiment
    from items
    where learned_topic is not null
),

final as (
    select
        community_id,
        topic,
        topic_source,
        day,
        count(*) as items,
        count(*) filter (where sentiment_status = 'scored') as items_scored,
        count(*) filter (where sentiment_status = 'other_language') as items_other_language,
        count(*) filter (where sentiment_status = 'scored' and sentiment_label = 'positive') as positive,
        count(*) filter (where sentiment_status = 'scored' and sentiment_label = 'neutral') as neutral,
        count(*) filter (where sentiment_status = 'scored' and sentiment_label = 'negative') as negative,
        (count(*) filter (where sentiment_status = 'scored' and sentiment_label = 'positive')
         - count(*) filter (where sentiment_status = 'scored' and sentiment_label = 'negative'))
            / nullif(count(*) filter (where sentiment_status = 'scored'), 0) as net_sentiment,
        avg(sentiment) filter (where sentiment_status = 'scored') as mean_sentiment
    from item_topics
    group by community_id, topic, topic_source, day
)

select * from final
