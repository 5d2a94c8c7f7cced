-- Grain: one row per person (identity resolution joins accounts into persons). A person joins the
-- community on the earliest join day of their accounts: the sign-up day on forums and help desks, but
-- the first post on social channels, where an account's creation date says nothing about the community.
-- Accounts never seen posting on a social channel (someone only mentioned) have no join day.
-- refresh: full
with first_post as (
    select author_member_id as member_id, min(created_at)::date as day
    from content
    where author_member_id is not null
    group by 1
),

accounts as (
    select
        m.community_id,
        m.person_id,
        m.is_bot,
        case when s.channel = 'social' or m.joined_at is null then fp.day else m.joined_at::date end as joined_day
    from members m
    left join sources s on s.community_id = m.community_id and s.namespace = m.source
    left join first_post fp on fp.member_id = m.member_id
),

final as (
    select
        community_id,
        person_id,
        min(joined_day) as joined_day,
        bool_and(is_bot) as is_bot  -- a person is a bot when every one of their accounts is
    from accounts
    group by community_id, person_id
)

select * from final
