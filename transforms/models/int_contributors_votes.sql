-- Grain: one row per community, day, member whose question or answer was voted on or liked, and voter
-- (null when the source hides who voted, like Stack Exchange's upvotes): the votes and likes received.
-- Self-votes and bots' votes are left out.
-- refresh: daily
with votes as (
    select
        i.community_id,
        i.occurred_at::date as day,
        coalesce(target.person_id, i.to_member_id) as member_id,
        coalesce(voter.person_id, i.from_member_id) as voter_member_id,
        i.kind = 'vote' and i.vote_type = 'upvote' as is_upvote,
        i.kind = 'vote' and i.vote_type = 'downvote' as is_downvote,
        i.kind = 'like' as is_like
    from interactions i
    left join members target on target.member_id = i.to_member_id
    left join members voter on voter.member_id = i.from_member_id
    where (i.kind = 'vote' and i.vote_type in ('upvote', 'downvote') or i.kind = 'like')
      and i.to_member_id is not null
      and not coalesce(voter.is_bot, false)
),

final as (
    select
        community_id, day, member_id, voter_member_id,
        count(*) filter (where is_upvote) as upvotes,
        count(*) filter (where is_downvote) as downvotes,
        count(*) filter (where is_like) as likes
    from votes
    where voter_member_id is distinct from member_id
    group by all
)

select * from final
