-- Grain: one row per community and member (person) who authored a question, answer or comment or
-- received a vote on one: totals over all time, reputation points from [marts.reputation], level and
-- rank. Bots excluded.
-- key: community_id, member_id
-- refresh: full
-- range: helpfulness 0 1
-- range: supporters 0 -
-- range: rank 1 -
-- check: accepted_answers <= answers | a member cannot have more accepted answers than answers
-- check: helpful_answers <= answers | helpful answers are answers
with authored as (
    select
        community_id, member_id,
        min(day) as first_day,
        max(day) as last_day,
        sum(questions) as questions,
        sum(answers) as answers,
        sum(comments) as comments,
        sum(posts) as posts,
        sum(accepted_answers) as accepted_answers,
        sum(helpful_answers) as helpful_answers,
        sum(score_received) as score_received,
        sum(likes_received) as likes_counted_by_source
    from mart_contributor_daily
    group by all
),

received as (
    select
        community_id, member_id,
        sum(upvotes) as upvotes_received,
        sum(downvotes) as downvotes_received,
        sum(likes) as like_interactions,
        -- distinct members who upvoted or liked their posts, where the source says who
        count(distinct voter_member_id) filter (where upvotes + likes > 0) as supporters
    from int_contributors_votes
    group by all
),

people as (
    select
        m.person_id as member_id,
        -- the person's name as their most recently joined account shows it
        arg_max(m.display_name, coalesce(m.joined_at, timestamp '1970-01-01')) as display_name,
        bool_and(m.is_bot) as is_bot
    from members m
    group by m.person_id
),

points as (
    select
        max(points) filter (where action = 'question') as question,
        max(points) filter (where action = 'answer') as answer,
        max(points) filter (where action = 'comment') as comment,
        max(points) filter (where action = 'accepted_answer') as accepted_answer,
        max(points) filter (where action = 'upvote_received') as upvote_received,
        max(points) filter (where action = 'downvote_received') as downvote_received,
        max(points) filter (where action = 'like_received') as like_received
    from param_reputation_points
),

totals as (
    select
        community_id,
        member_id,
        p.display_name,
        a.first_day,
        a.last_day,
        coalesce(a.questions, 0) as questions,
        coalesce(a.answers, 0) as answers,
        coalesce(a.comments, 0) as comments,
        coalesce(a.posts, 0) as posts,
        coalesce(a.accepted_answers, 0) as accepted_answers,
        coalesce(a.helpful_answers, 0) as helpful_answers,
        coalesce(a.score_received, 0) as score_received,
        coalesce(r.upvotes_received, 0) as upvotes_received,
        coalesce(r.downvotes_received, 0) as downvotes_received,
        -- the source's own like count where it keeps one, else the likes seen one by one (never both)
        greatest(coalesce(a.likes_counted_by_source, 0), coalesce(r.like_interactions, 0)) as likes_received,
        coalesce(r.supporters, 0) as supporters
    from authored a
    full join received r using (community_id, member_id)
    join people p using (member_id)
    where not p.is_bot
),

scored as (
    select
        t.*,
        t.helpful_answers / nullif(t.answers, 0) as helpfulness,
        (t.questions * pt.question + t.answers * pt.answer + t.comments * pt.comment
            + t.accepted_answers * pt.accepted_answer + t.upvotes_received * pt.upvote_received
            + t.downvotes_received * pt.downvote_received + t.likes_received * pt.like_received)::bigint as reputation
    from totals t, points pt
),

final as (
    select
        s.*,
        -- the highest level reached; below zero points is still the first level
        (select arg_max(l.name, l.min_points) from param_reputation_levels l
         where l.min_points <= greatest(s.reputation, 0)) as level,
        rank() over (partition by s.community_id order by s.reputation desc, s.posts desc) as rank
    from scored s
)

select * from final
