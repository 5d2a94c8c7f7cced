-- Grain: one row per community, group and day with content in the group. Answers and comments
-- belong to the groups (tags) of their thread's question, replies to their topic's category; a post
-- on a social channel to its own hashtags and its thread's (int_groups_content).
-- key: community_id, group_id, day
-- refresh: daily
-- range: participants 0 -
-- check: content_items >= questions + answers + comments | questions, answers and comments are content items
with final as (
    select
        community_id,
        group_id,
        group_name,
        day,
        count(*) filter (where kind = 'question') as questions,
        count(*) filter (where kind = 'answer') as answers,
        count(*) filter (where kind = 'comment') as comments,
        count(*) as content_items,
        count(distinct author_member_id) filter (where not author_is_bot) as participants,
        group_kind
    from int_groups_content
    where group_id is not null
      and day >= (select min(day) from refresh_days)  -- only the days being recomputed (all on a full build)
    group by all
)

select * from final
