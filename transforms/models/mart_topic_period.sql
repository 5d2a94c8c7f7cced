-- Grain: one row per community, period (ISO week from Monday, and calendar month), topic and topic
-- source with items on the topic in the period (sparse): volume, sentiment, growth against the period
-- just before, and the topic's share of the community's listening items in the period.
-- previous_items: the topic's items in the previous period, 0 when it had none; null when the community
-- had no listening items then (no baseline). growth = (items - previous_items) / previous_items, null
-- when previous_items is 0 or null; is_new: the community talked in the previous period, not on this topic.
-- key: community_id, period_kind, period_start, topic, topic_source
-- refresh: full
-- range: items 1 -
-- range: net_sentiment -1 1
-- range: share_of_items 0 1
-- range: growth -1 -
-- check: items_scored = positive + neutral + negative | every scored item has one label
-- check: items <= community_items | a topic cannot have more items than its community in the period
with kinds as (
    select * from (values ('week'), ('month')) as k(period_kind)
),

topic_days as (
    select t.*, k.period_kind, date_trunc(k.period_kind, t.day)::date as period_start
    from mart_topic_daily t cross join kinds k
),

community_periods as (
    select l.community_id, k.period_kind, date_trunc(k.period_kind, l.day)::date as period_start,
           sum(l.items)::bigint as community_items
    from mart_listening_daily l cross join kinds k
    group by all
),

topic_periods as (
    select
        community_id, period_kind, period_start, topic, topic_source,
        sum(items)::bigint as items,
        sum(items_scored)::bigint as items_scored,
        sum(items_other_language)::bigint as items_other_language,
        sum(positive)::bigint as positive,
        sum(neutral)::bigint as neutral,
        sum(negative)::bigint as negative
    from topic_days
    group by all
),

with_previous as (
    select
        t.*,
        case t.period_kind when 'week' then t.period_start + interval 7 day
                           else t.period_start + interval 1 month end::date as period_end,
        case t.period_kind when 'week' then t.period_start - interval 7 day
                           else t.period_start - interval 1 month end::date as previous_start
    from topic_periods t
),

final as (
    select
        t.community_id,
        t.period_kind,
        t.period_start,
        t.period_end,
        -- the period containing as_of is still running: its volume is partial
        t.period_end <= (select as_of from refresh_context)::date as is_complete,
        t.topic,
        t.topic_source,
        t.items,
        t.items_scored,
        t.items_other_language,
        t.positive,
        t.neutral,
        t.negative,
        (t.positive - t.negative) / nullif(t.items_scored, 0) as net_sentiment,
        cp.community_items,
        t.items / cp.community_items as share_of_items,
        case when pc.community_id is not null then coalesce(p.items, 0) end as previous_items,
        (t.items - p.items) / nullif(p.items, 0) as growth,
        case when pc.community_id is not null then p.items is null end as is_new
    from with_previous t
    join community_periods cp
      on cp.community_id = t.community_id and cp.period_kind = t.period_kind and cp.period_start = t.period_start
    left join community_periods pc
      on pc.community_id = t.community_id and pc.period_kind = t.period_kind and pc.period_start = t.previous_start
    left join topic_periods p
      on p.community_id = t.community_id and p.period_kind = t.period_kind and p.period_start = t.previous_start
     and p.topic = t.topic and p.topic_source = t.topic_source
)

select * from final
