-- Grain: one row per community per day, a continuous calendar from the first to the last day with
-- a member joining or active. Active = authored community activity on any channel (int_adoption_active_days).
-- dau/wau/mau count distinct persons active in the 1, 7 and 30 days ending on `day`.
-- Reach is all days because members_total is a running total (wau and mau alone would need 6 and 29).
-- key: community_id, day
-- refresh: daily
-- reach: all
-- range: members_joined 0 -
-- range: active_members 0 -
-- range: mau 0 -
-- range: stickiness 0 1
-- check: dau = active_members | DAU is the day's active members
-- check: dau <= wau and wau <= mau | a member active on a day is active in the week and the 30 days that end on it
with joined as (
    select community_id, joined_day as day, count(*) as members_joined
    from int_people
    where not is_bot and joined_day is not null
    group by all
),

active as (
    select community_id, day, count(*) as active_members  -- one row per active person and day
    from int_adoption_active_days
    group by all
),

-- A person active on day d is in the trailing week of days d .. d+6 and the trailing 30 days of
-- d .. d+29. Cutting each span at the person's next active day keeps one person's spans apart, so a
-- running sum of span starts minus span ends counts distinct persons, in one pass over active days.
spans as (
    select
        community_id,
        day,
        least(day + 7, lead(day) over person_days) as week_end,
        least(day + 30, lead(day) over person_days) as month_end
    from int_adoption_active_days
    window person_days as (partition by community_id, member_id order by day)
),

span_edges as (
    select community_id, day, sum(week_change) as week_change, sum(month_change) as month_change
    from (
        select community_id, day, 1 as week_change, 1 as month_change from spans
        union all
        select community_id, week_end, -1, 0 from spans
        union all
        select community_id, month_end, 0, -1 from spans
    )
    group by all
),

bounds as (
    select community_id, min(day) as first_day, max(day) as last_day
    from (select community_id, day from joined union all select community_id, day from active)
    group by community_id
),

calendar as (
    select community_id, unnest(generate_series(first_day, last_day, interval 1 day))::date as day
    from bounds
),

daily as (
    select
        calendar.community_id,
        calendar.day,
        coalesce(joined.members_joined, 0) as members_joined,
        coalesce(active.active_members, 0) as active_members,
        sum(coalesce(joined.members_joined, 0)) over running as members_total,
        sum(coalesce(span_edges.week_change, 0)) over running as wau,
        sum(coalesce(span_edges.month_change, 0)) over running as mau
    from calendar
    left join joined using (community_id, day)
    left join active using (community_id, day)
    left join span_edges using (community_id, day)
    window running as (partition by calendar.community_id order by calendar.day)
),

final as (
    select
        community_id,
        day,
        members_joined,
        active_members,
        members_total,
        active_members as dau,
        wau::bigint as wau,
        mau::bigint as mau,
        case when mau = 0 then 0.0 else active_members / mau end as stickiness
    from daily
)

select * from final
