-- Grain: one row per content item and group it belongs to (one row with a null group when it is in
-- none). The content whose share of activity the groups are: questions, answers and comments on Stack
-- Exchange, topics and replies on Discourse, posts, replies and quotes on social channels. Retweets
-- (sharing, not writing) and support tickets (groups there are customers and ticket tags) are not.
-- An item is in its own groups (a tweet's hashtags) and in its thread's (a question's tags hold for its
-- answers and comments, a topic's category for its replies).
-- refresh: daily
with activity as (
    select
        c.content_id,
        c.community_id,
        c.kind,
        c.thread_id,
        c.created_at::date as day,
        -- the person behind the account: participants are persons, not accounts
        coalesce(m.person_id, c.author_member_id) as author_member_id,
        coalesce(m.is_bot, false) as author_is_bot
    from content c
    left join members m on m.member_id = c.author_member_id
    where c.channel in ('forum', 'social')
      and c.kind in ('question', 'answer', 'comment', 'topic', 'reply', 'tweet', 'quote', 'post')
      and c.created_at >= (select min(day) from refresh_days)  -- only the days being recomputed (all on a full build)
),

item_groups as (
    select a.content_id, cg.group_id from activity a join content_groups cg on cg.content_id = a.content_id
    union
    select a.content_id, cg.group_id from activity a join content_groups cg on cg.content_id = a.thread_id
),

final as (
    select
        a.*,
        ig.group_id,
        g.kind as group_kind,
        -- a group the source did not list (a tag since deleted) is named by its id
        coalesce(g.name, regexp_extract(ig.group_id, '[^/]+$')) as group_name
    from activity a
    left join item_groups ig using (content_id)
    left join groups g on g.group_id = ig.group_id
)

select * from final
