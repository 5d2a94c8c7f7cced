-- Grain: one row per community, member and day on which the member authored content. Bots excluded.
-- key: community_id, member_id, day
-- refresh: daily
-- check: accepted_answers <= answers | a member cannot have more accepted answers than answers
-- check: helpful_answers <= answers | helpful answers are answers
-- range: likes_received 0 -
with final as (
    select
        a.community_id,
        a.author_member_id as member_id,
        m.display_name,
        a.day,
        count(*) filter (where a.kind = 'question') as questions,
        count(*) filter (where a.kind = 'answer') as answers,
        count(*) filter (where a.kind = 'comment') as comments,
        -- everything but comments: questions and answers, Discourse topics and replies, social posts
        count(*) filter (where a.kind in ('question', 'answer', 'topic', 'reply', 'tweet', 'quote', 'post')) as posts,
        count(*) filter (where a.kind = 'answer' and a.is_accepted_answer) as accepted_answers,
        coalesce(sum(a.score) filter (where a.kind in ('question', 'answer', 'topic', 'reply', 'tweet', 'quote', 'post')), 0) as score_received,
        -- an answer helped when the asker accepted it or readers voted it up
        count(*) filter (where a.kind = 'answer' and (a.is_accepted_answer or a.score > 0)) as helpful_answers,
        -- where the score is a count of likes (every source but Stack Exchange, whose votes are interactions)
        coalesce(sum(greatest(a.score, 0)) filter (where a.kind in ('question', 'answer', 'topic', 'reply', 'tweet', 'quote', 'post')
                                                     and s.kind is distinct from 'stackexchange'), 0) as likes_received
    from int_content_activity a
    join members m on m.member_id = a.author_member_id
    join content c on c.content_id = a.content_id
    left join sources s on s.community_id = c.community_id and s.namespace = c.source
    where not a.author_is_bot
      and a.created_at >= (select min(day) from refresh_days)  -- only the days being recomputed (all on a full build)
    group by all
)

select * from final
