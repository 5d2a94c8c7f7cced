-- Grain: one row per item of community writing: questions, answers and comments (Stack Exchange), topics
-- and replies (Discourse), posts, tweets, replies and quotes (social channels). Retweets (sharing, not
-- writing), help-desk messages (support, not community) and site furniture are not. With the author's bot
-- flag and whether an answer is its question's accepted answer.
-- materialize: view
with accepted as (
    select distinct accepted_answer_id as content_id
    from content
    where accepted_answer_id is not null
),

final as (
    select
        c.content_id,
        c.community_id,
        c.kind,
        c.thread_id,
        c.parent_id,
        -- the person behind the account (identity resolution): people metrics count persons, not accounts
        coalesce(m.person_id, c.author_member_id) as author_member_id,
        c.created_at,
        c.created_at::date as day,
        c.score,
        coalesce(m.is_bot, false) as author_is_bot,
        accepted.content_id is not null as is_accepted_answer
    from content c
    left join members m on m.member_id = c.author_member_id
    left join accepted on accepted.content_id = c.content_id
    where c.kind in ('question', 'answer', 'comment', 'topic', 'reply', 'tweet', 'quote', 'post')
)

select * from final
