-- Grain: one row per community and join month: the first-contribution funnel of the persons (not bots)
-- who joined that month: joined, made a first post, made a first reply to someone else.
-- A post is any community activity (int_adoption_active_days: forum question, answer, comment, topic,
-- reply; any social post, reply, quote or retweet; a ticket or ticket message); a reply to someone else
-- is an answer, comment, reply, quote or ticket reply to another person (or a deleted account).
-- Full refresh: a month's row moves whenever one of its members first posts, on any later day; it reads
-- only int_people and the per-person active days, not content.
-- key: community_id, join_month
-- refresh: full
-- range: joined 1 -
-- range: first_post_rate 0 1
-- range: first_reply_rate 0 1
-- range: reply_after_post_rate 0 1
-- check: first_repliers <= first_posters and first_posters <= joined | a funnel only narrows
with people as (
    select community_id, person_id as member_id, joined_day, date_trunc('month', joined_day)::date as join_month
    from int_people
    where not is_bot and joined_day is not null
),

firsts as (
    select
        community_id,
        member_id,
        min(day) as first_post_day,
        min(day) filter (where replies_to_others > 0) as first_reply_day
    from int_adoption_active_days
    group by all
),

funnel as (
    select
        p.community_id,
        p.join_month,
        p.joined_day,
        f.first_post_day,
        f.first_reply_day
    from people p
    left join firsts f using (community_id, member_id)
),

final as (
    select
        community_id,
        join_month,
        count(*) as joined,
        count(first_post_day) as first_posters,
        count(first_reply_day) as first_repliers,
        count(first_post_day) / count(*) as first_post_rate,
        count(first_reply_day) / count(*) as first_reply_rate,
        coalesce(count(first_reply_day) / nullif(count(first_post_day), 0), 0) as reply_after_post_rate,
        -- over the members who got there; a post imported from before an account's sign-up counts as
        -- day 0, not as negative days
        median(greatest(date_diff('day', joined_day, first_post_day), 0))
            filter (where first_post_day is not null) as median_days_to_first_post,
        median(greatest(date_diff('day', joined_day, first_reply_day), 0))
            filter (where first_reply_day is not null) as median_days_to_first_reply
    from funnel
    group by all
)

select * from final
