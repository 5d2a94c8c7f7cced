-- Grain: one row per community, period and emerging theme (docs/nlp/emerging_topics.md): the themes the
-- emerging-topics refresh found, with their growth against the previous period, the period's coverage
-- (items analysed and left out) and the sentiment of the listening items behind each theme.
-- key: community_id, period_kind, period_start, theme_rank
-- refresh: full
-- range: share 0 1
-- range: net_sentiment -1 1
-- check: items <= items_analysed | a theme's items are among the period's analysed items
-- check: items_scored = positive + neutral + negative | every scored item has one label
with theme_sentiment as (
    select
        ti.community_id, ti.period_kind, ti.period_start, ti.theme_rank,
        count(*) filter (where li.sentiment_status = 'scored') as items_scored,
        count(*) filter (where li.sentiment_status = 'scored' and li.sentiment_label = 'positive') as positive,
        count(*) filter (where li.sentiment_status = 'scored' and li.sentiment_label = 'neutral') as neutral,
        count(*) filter (where li.sentiment_status = 'scored' and li.sentiment_label = 'negative') as negative
    from emerging_topic_items ti
    -- the theme's items written by members (bots' and staff posts are not listened to)
    join int_listening_items li on li.content_id = ti.content_id
    group by all
),

final as (
    select
        t.community_id,
        t.period_kind,
        t.period_start,
        p.period_end,
        p.period_end <= (select as_of from refresh_context)::date as is_complete,
        t.theme_rank,
        t.label,
        t.top_terms,
        t.items,
        t.share,
        t.previous_items,
        t.previous_share,
        t.growth,
        t.is_new,
        p.items_analysed,
        p.items_other_language,
        p.previous_items_analysed,
        coalesce(s.items_scored, 0) as items_scored,
        coalesce(s.positive, 0) as positive,
        coalesce(s.neutral, 0) as neutral,
        coalesce(s.negative, 0) as negative,
        (s.positive - s.negative) / nullif(s.items_scored, 0) as net_sentiment
    from emerging_topics t
    join emerging_topic_periods p using (community_id, period_kind, period_start)
    left join theme_sentiment s using (community_id, period_kind, period_start, theme_rank)
)

select * from final
