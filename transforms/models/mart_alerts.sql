-- Grain: one row per alert raised at the refresh's as_of ([marts.alerts]): a community channel whose last
-- 24 hours had unusually many items (volume_spike) or an unusually high share of negative ones
-- (negative_sentiment_spike), compared with the 7 days before; a community whose health index fell in
-- its latest period (health_index_drop); a customer who turned red (customer_red). Each with the numbers
-- behind it and a sentence saying them.
-- value / baseline_mean / baseline_sd / threshold: items in 24 h, negative share, or health index; null
-- for customer_red. An alert's id is the same whenever the same as_of is refreshed again.
-- key: alert_id
-- refresh: full
-- range: baseline_sd 0 -
-- check: kind in ('volume_spike', 'negative_sentiment_spike', 'health_index_drop', 'customer_red') | every alert has a known kind
-- check: severity in ('high', 'medium') | every alert has a severity
-- check: window_start < window_end and window_end <= detected_at | an alert looks at a window that ended by as_of
-- check: kind not in ('volume_spike', 'negative_sentiment_spike') or value > baseline_mean | a spike is above its baseline
-- check: kind <> 'volume_spike' or value > threshold | a volume spike exceeds its threshold
-- check: kind <> 'negative_sentiment_spike' or value >= threshold | a negative spike reaches its threshold
-- check: kind <> 'health_index_drop' or value <= threshold | a health drop falls to or below its threshold
with settings as (
    select p.*, r.as_of from param_alerts p cross join refresh_context r
),

-- The last 24 hours of each channel, and the 7 windows before it as the baseline.
volume_baseline as (
    select
        community_id, channel,
        avg(items) as baseline_mean,
        stddev_samp(items) as baseline_sd
    from int_alerts_listening_windows
    where window_number between 1 and 7
    group by all
),

volume_checked as (
    select
        w.community_id, w.channel, w.window_start, w.window_end,
        w.items::double as value, b.baseline_mean, b.baseline_sd,
        -- a flat week (sd 0) has no spread to count in: the count must beat the mean by a margin instead
        case when b.baseline_sd > 0 then b.baseline_mean + s.volume_threshold_sd * b.baseline_sd
             else b.baseline_mean * (1 + s.volume_flat_margin) end as threshold,
        s.volume_min_items, s.volume_threshold_sd, s.volume_flat_margin
    from int_alerts_listening_windows w
    join volume_baseline b using (community_id, channel)
    cross join settings s
    where w.window_number = 0
),

volume_spikes as (
    select
        'volume_spike' as kind, community_id, channel as subject, window_start, window_end,
        value, baseline_mean, baseline_sd, threshold,
        format('{} items in the last 24 h on {}, against {:.1f} ± {:.1f} a day over the previous 7 days '
               || '(threshold {:.1f} = {})',
               value::bigint, channel, baseline_mean, baseline_sd, threshold,
               case when baseline_sd > 0 then format('mean + {:g} sd', volume_threshold_sd)
                    else format('mean + {:g}%, as the previous days did not vary', 100 * volume_flat_margin) end)
            as evidence
    from volume_checked
    where value >= volume_min_items and value > threshold
),

-- Negative share: only windows with scored items have one; the baseline is the windows of the 7 days
-- before that do.
negative_baseline as (
    select
        community_id, channel,
        avg(negative / scored) as baseline_mean,
        -- one window alone has no spread: 0
        coalesce(stddev_samp(negative / scored), 0) as baseline_sd,
        count(*) as baseline_windows
    from int_alerts_listening_windows
    where window_number between 1 and 7 and scored > 0
    group by all
),

negative_checked as (
    select
        w.community_id, w.channel, w.window_start, w.window_end, w.scored, w.negative,
        w.negative / w.scored as value, b.baseline_mean, b.baseline_sd, b.baseline_windows,
        b.baseline_mean + s.negative_threshold_sd * b.baseline_sd as sd_threshold,
        b.baseline_mean + s.negative_min_jump as jump_threshold,
        s.negative_min_scored
    from int_alerts_listening_windows w
    join negative_baseline b using (community_id, channel)
    cross join settings s
    where w.window_number = 0 and w.scored > 0
),

negative_spikes as (
    select
        'negative_sentiment_spike' as kind, community_id, channel as subject, window_start, window_end,
        value, baseline_mean, baseline_sd, greatest(sd_threshold, jump_threshold) as threshold,
        format('{} of {} scored items negative ({:.1f}%) in the last 24 h on {}, against {:.1f}% ± {:.1f}% '
               || 'over the previous 7 days ({} days with scored items; threshold {:.1f}%)',
               negative, scored, 100 * value, channel, 100 * baseline_mean, 100 * baseline_sd,
               baseline_windows, 100 * greatest(sd_threshold, jump_threshold)) as evidence
    from negative_checked
    where scored >= negative_min_scored and value > sd_threshold and value >= jump_threshold
),

-- Health index: each community's latest period of the configured kind that started before as_of, against
-- the period before it.
health_periods as (
    select
        h.*,
        lag(growth_score) over previous as previous_growth_score,
        lag(content_score) over previous as previous_content_score,
        lag(traffic_score) over previous as previous_traffic_score,
        lag(responsiveness_score) over previous as previous_responsiveness_score,
        lag(interaction_score) over previous as previous_interaction_score,
        lag(liveliness_score) over previous as previous_liveliness_score
    from mart_health_index h
    where h.period_kind = (select health_period from settings)
      and h.period_start < (select as_of from settings)  -- a period starting at as_of has no data yet
    window previous as (partition by h.community_id order by h.period_start)
    qualify row_number() over (partition by h.community_id order by h.period_start desc) = 1
),

health_checked as (
    select h.*, s.health_drop_points, s.as_of
    from health_periods h
    cross join settings s
    where h.change <= -s.health_drop_points
),

-- The factors whose score fell, the largest falls first (at most three).
factor_falls as (
    select community_id, factor, score, previous_score
    from (
        select community_id, 'growth' as factor, growth_score as score, previous_growth_score as previous_score from health_checked
        union all select community_id, 'content', content_score, previous_content_score from health_checked
        union all select community_id, 'traffic', traffic_score, previous_traffic_score from health_checked
        union all select community_id, 'responsiveness', responsiveness_score, previous_responsiveness_score from health_checked
        union all select community_id, 'interaction', interaction_score, previous_interaction_score from health_checked
        union all select community_id, 'liveliness', liveliness_score, previous_liveliness_score from health_checked
    )
    where score < previous_score
    qualify row_number() over (partition by community_id order by score - previous_score, factor) <= 3
),

fell_most as (
    select community_id,
           string_agg(format('{} {:.2f} → {:.2f}', factor, previous_score, score), ', '
                      order by score - previous_score, factor) as factors
    from factor_falls
    group by all
),

health_drops as (
    select
        'health_index_drop' as kind, h.community_id, 'community' as subject,
        h.period_start::timestamp as window_start,
        -- the period's end, or as_of while the period is still running
        least(case h.period_kind when 'week' then h.period_start + interval 7 day
                                 else h.period_start + interval 1 month end::timestamp, h.as_of) as window_end,
        h.health_index as value, h.previous_health_index as baseline_mean, null::double as baseline_sd,
        h.previous_health_index - h.health_drop_points as threshold,
        format('Health index {:.1f} for the {} starting {}, down {:.1f} from {:.1f} the {} before '
               || '(alert at a drop of {:g}); fell most: {}',
               h.health_index, h.period_kind, strftime(h.period_start, '%Y-%m-%d'), -h.change,
               h.previous_health_index, h.period_kind, h.health_drop_points,
               coalesce(f.factors, 'no factor score fell')) as evidence
    from health_checked h
    left join fell_most f using (community_id)
),

-- Customers red now who were not red in the window before (green, yellow, or nothing at all).
customers_red as (
    select
        'customer_red' as kind, c.community_id, c.customer_id as subject, c.window_start, c.window_end,
        null::double as value, null::double as baseline_mean, null::double as baseline_sd, null::double as threshold,
        format('{} turned red ({} in the {} days before): {}',
               coalesce(c.customer_name, c.customer_id),
               coalesce(c.previous_status, 'no tickets or messages'),
               date_diff('day', c.window_start, c.window_end), c.status_reason) as evidence
    from mart_customer_health c
    where c.status = 'red' and c.previous_status is distinct from 'red'
),

alerts as (
    select * from volume_spikes
    union all by name select * from negative_spikes
    union all by name select * from health_drops
    union all by name select * from customers_red
),

final as (
    select
        md5(concat_ws('|', a.kind, a.community_id, a.subject, strftime(a.window_end, '%Y-%m-%dT%H:%M:%S.%f')))
            as alert_id,
        a.community_id,
        a.kind,
        a.subject,
        -- high: past the baseline by at least twice what it takes to alert (a drop of twice the points);
        -- a red customer is always high
        case when a.kind = 'customer_red' then 'high'
             when a.kind = 'health_index_drop' and a.baseline_mean - a.value >= 2 * (a.baseline_mean - a.threshold) then 'high'
             when a.kind <> 'health_index_drop' and a.value - a.baseline_mean >= 2 * (a.threshold - a.baseline_mean) then 'high'
             else 'medium' end as severity,
        s.as_of as detected_at,
        a.window_start,
        a.window_end,
        a.value,
        a.baseline_mean,
        a.baseline_sd,
        a.threshold,
        a.evidence
    from alerts a
    cross join settings s
)

select * from final
