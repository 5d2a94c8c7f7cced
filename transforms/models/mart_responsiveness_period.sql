-- Grain: one row per community, channel and calendar period (ISO week starting Monday, or month) in
-- which at least one conversation started: how fast and how often its conversations got a response.
-- key: community_id, channel, period_kind, period_start
-- refresh: full
-- range: conversations 1 -
-- range: median_hours_to_first_response 0 -
-- range: p90_hours_to_first_response 0 -
-- range: unanswered_share 0 1
-- range: resolution_rate 0 1
-- check: responded <= conversations | only conversations that started in the period are counted
-- check: median_hours_to_first_response is null or median_hours_to_first_response <= p90_hours_to_first_response | the median is no more than the 90th percentile
with conversations as (
    select community_id, channel, started_at, first_response_at, hours_to_first_response, is_unanswered, is_resolved
    from mart_first_response
),

by_period as (
    select c.*, p.period_kind, date_trunc(p.period_kind, c.started_at)::date as period_start
    from conversations c
    cross join (values ('week'), ('month')) as p(period_kind)
),

final as (
    select
        community_id,
        channel,
        period_kind,
        period_start,
        count(*) as conversations,
        count(first_response_at) as responded,
        -- over the conversations that got a response: an unanswered one has no time to average
        quantile_cont(hours_to_first_response, 0.5) as median_hours_to_first_response,
        quantile_cont(hours_to_first_response, 0.9) as p90_hours_to_first_response,
        avg(is_unanswered::int) as unanswered_share,
        avg(is_resolved::int) as resolution_rate
    from by_period
    group by community_id, channel, period_kind, period_start
)

select * from final
