-- Grain: one row per community.
-- key: community_id
-- refresh: full
-- range: members 0 -
with people as (
    select community_id, count(*) as members
    from int_people  -- people, after identity resolution, who joined the community
    where not is_bot and joined_day is not null
    group by community_id
),

activity as (
    select
        community_id,
        count(*) filter (where kind = 'question') as questions,
        count(*) filter (where kind = 'answer') as answers,
        count(*) filter (where kind = 'comment') as comments,
        count(*) filter (where kind not in ('question', 'answer', 'comment')) as other_posts,
        min(day) as first_activity_day,
        max(day) as last_activity_day
    from int_content_activity
    group by community_id
),

final as (
    select
        c.community_id,
        c.name,
        c.source,
        coalesce(p.members, 0) as members,
        coalesce(a.questions, 0) as questions,
        coalesce(a.answers, 0) as answers,
        coalesce(a.comments, 0) as comments,
        coalesce(a.other_posts, 0) as other_posts,
        a.first_activity_day,
        a.last_activity_day
    from communities c
    left join people p using (community_id)
    left join activity a using (community_id)
)

select * from final
