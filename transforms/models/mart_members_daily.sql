-- Grain: one row per community per day, a continuous calendar from the first to the last day with
-- a member joining or active.
-- key: community_id, day
-- refresh: daily
-- reach: all
-- range: members_joined 0 -
-- range: active_members 0 -
with joined as (
    select community_id, joined_day as day, count(*) as members_joined
    from int_people
    where not is_bot and joined_day is not null
    group by all
),

active as (
    select community_id, day, count(distinct author_member_id) as active_members
    from int_content_activity
    where not author_is_bot and author_member_id is not null
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

final as (
    select
        calendar.community_id,
        calendar.day,
        coalesce(joined.members_joined, 0) as members_joined,
        coalesce(active.active_members, 0) as active_members,
        sum(coalesce(joined.members_joined, 0))
            over (partition by calendar.community_id order by calendar.day) as members_total
    from calendar
    left join joined using (community_id, day)
    left join active using (community_id, day)
)

select * from final
