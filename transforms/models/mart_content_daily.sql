-- Grain: one row per community per day with content (sparse). All questions, answers and comments,
-- whoever wrote them: bots' and deleted accounts' posts are content too, only not people.
-- key: community_id, day
-- refresh: daily
-- range: content_items 0 -
-- check: content_items = questions + answers + comments + other_posts | content items are the questions, answers, comments and other posts
with final as (
    select
        community_id,
        day,
        count(*) filter (where kind = 'question') as questions,
        count(*) filter (where kind = 'answer') as answers,
        count(*) filter (where kind = 'comment') as comments,
        -- Discourse topics and replies, social posts, tweets, replies and quotes
        count(*) filter (where kind not in ('question', 'answer', 'comment')) as other_posts,
        count(*) as content_items
    from int_content_activity
    where created_at >= (select min(day) from refresh_days)  -- only the days being recomputed (all on a full build)
    group by community_id, day
)

select * from final
