-- Grain: one row per community, cohort (the month persons joined) and month since joining, from 0 (the
-- join month) up to the month of as_of: how many of the cohort were active in that calendar month.
-- Active = authored community activity on any channel (int_adoption_active_days). Bots excluded.
-- Cohorts that join after as_of's month have no rows yet.
-- Full refresh: every cohort gains a month as time passes and a late post changes an old cell; it reads
-- int_people and the per-person active days, not content.
-- key: community_id, cohort_month, months_since_join
-- refresh: full
-- range: cohort_size 1 -
-- range: months_since_join 0 -
-- range: retention 0 1
-- check: active_members <= cohort_size | only the cohort's own members count
with cohort_members as (
    select community_id, person_id as member_id, date_trunc('month', joined_day)::date as cohort_month
    from int_people
    where not is_bot and joined_day is not null
),

cohorts as (
    select community_id, cohort_month, count(*) as cohort_size
    from cohort_members
    group by all
),

months as (
    select
        c.community_id,
        c.cohort_month,
        c.cohort_size,
        unnest(range(0, date_diff('month', c.cohort_month, date_trunc('month', r.as_of)::date) + 1)) as months_since_join
    from cohorts c, refresh_context r
),

active_months as (
    select distinct community_id, member_id, date_trunc('month', day)::date as month
    from int_adoption_active_days
),

cohort_activity as (
    select
        cm.community_id,
        cm.cohort_month,
        date_diff('month', cm.cohort_month, am.month) as months_since_join,
        count(*) as active_members
    from cohort_members cm
    join active_months am using (community_id, member_id)
    where am.month >= cm.cohort_month
    group by all
),

final as (
    select
        m.community_id,
        m.cohort_month,
        m.months_since_join,
        (m.cohort_month + to_months(m.months_since_join))::date as month,
        m.cohort_size,
        coalesce(a.active_members, 0) as active_members,
        coalesce(a.active_members, 0) / m.cohort_size as retention
    from months m
    left join cohort_activity a using (community_id, cohort_month, months_since_join)
)

select * from final
