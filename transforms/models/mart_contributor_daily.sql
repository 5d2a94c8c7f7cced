-- Grain: one row per community, member and day on which the member authored content. Bots excluded.
-- key: community_id, member_id, day
-- refresh: daily
-- check: accepted_answers <= answers | a member cannot have more accepted answers than answers
with final as (
    select
        a.community_id,
        a.author_member_id as member_id,
        m.display_name,
        a.day,
        count(*) filter (where a.kind = 'question') as questions,
        count(*) filter (where a.kind = 'answer') as answers,
        count(*) filter (where a.kind = 'comment') as comments,
        count(*) filter (where a.kind in ('question', 'answer')) as posts,
        count(*) filter (where a.kind = 'answer' and a.is_accepted_answer) as accepted_answers,
        coalesce(sum(a.score) filter (where a.kind in ('question', 'answer')), 0) as score_received
    from int_content_activity a
    join members m on m.member_id = a.author_member_id
    where not a.author_is_bot
    group by all
)

select * from final
