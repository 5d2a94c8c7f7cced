-- Grain: one row per community, channel and 24-hour window counted back from as_of: window 0 is the last
-- 24 hours (as_of − 24 h, as_of], window n is (as_of − (n+1) × 24 h, as_of − n × 24 h], n = 0..7. Every
-- community and channel with a listening item in the 8 windows gets all 8 rows (0 where nothing was said).
-- Counts listening items (int_listening_items: members' posts on every channel, bots and staff left out),
-- the ones with a sentiment score, and the negative ones among those: the inputs of the spike alerts.
-- key: community_id, channel, window_number
-- refresh: full
-- range: window_number 0 7
-- range: items 0 -
-- check: negative <= scored and scored <= items | negative items are scored, scored items are items
with context as (
    select as_of from refresh_context
),

-- Only 8 days of items are read: the view pushes the time filter down to content.
recent as (
    select
        i.community_id,
        i.channel,
        -- whole 24-hour steps back from as_of; an item exactly 24 h before as_of opens window 1
        ((epoch_us(x.as_of) - epoch_us(i.created_at)) // 86400000000)::int as window_number,
        i.sentiment_status,
        i.sentiment_label
    from int_listening_items i
    cross join context x
    where i.created_at > x.as_of - interval 8 day
      and i.created_at <= x.as_of
),

channels as (
    select distinct community_id, channel from recent
),

windows as (
    select
        c.community_id,
        c.channel,
        w.window_number::int as window_number,
        x.as_of - to_days((w.window_number + 1)::int) as window_start,
        x.as_of - to_days(w.window_number::int) as window_end
    from channels c
    cross join range(0, 8) as w(window_number)
    cross join context x
),

counts as (
    select
        community_id,
        channel,
        window_number,
        count(*) as items,
        count(*) filter (where sentiment_status = 'scored') as scored,
        count(*) filter (where sentiment_status = 'scored' and sentiment_label = 'negative') as negative
    from recent
    group by all
),

final as (
    select
        w.community_id,
        w.channel,
        w.window_number,
        w.window_start,
        w.window_end,
        coalesce(c.items, 0) as items,
        coalesce(c.scored, 0) as scored,
        coalesce(c.negative, 0) as negative
    from windows w
    left join counts c using (community_id, channel, window_number)
)

select * from final
