-- Grain: one row per community, group and day with content in the group. Answers and comments
-- belong to the groups (tags) of their thread's question.
-- key: community_id, group_id, day
-- refresh: daily
-- range: participants 0 -
with thread_groups as (
    select cg.community_id, cg.content_id as thread_id, cg.group_id,
           coalesce(g.name, split_part(cg.group_id, '/tag/', 2)) as group_name
    from content_groups cg
    left join groups g on g.group_id = cg.group_id
),

final as (
    select
        a.community_id,
        tg.group_id,
        tg.group_name,
        a.day,
        count(*) filter (where a.kind = 'question') as questions,
        count(*) filter (where a.kind = 'answer') as answers,
        count(*) filter (where a.kind = 'comment') as comments,
        count(*) as content_items,
        count(distinct a.author_member_id) filter (where not a.author_is_bot) as participants
    from int_content_activity a
    join thread_groups tg on tg.thread_id = a.thread_id
    group by all
)

select * from final
