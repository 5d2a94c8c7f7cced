-- Grain: one row per forum question or support ticket that waited longer than its group allows without
-- an answer (an agent's reply, for a ticket), as of the refresh's as_of. Escalated at start + allowed
-- hours; closed at the first answer after that. Closed escalations stay listed, as closed.
-- key: conversation_id
-- refresh: full
-- range: allowed_hours 0 -
-- range: age_hours 0 -
-- check: status in ('open', 'closed') | an escalation is open or closed
-- check: (status = 'closed') = (closed_at is not null) | a closed escalation says when it was answered
-- check: closed_at is null or closed_at > escalated_at | an escalation closes after it opened
with as_of as (
    select as_of from refresh_context
),

-- Only what had started by as_of; an answer after as_of is not known yet.
conversations as (
    select
        f.community_id, f.channel, f.conversation_id, f.kind, f.started_at, f.author,
        case when f.answered_at <= (select as_of from as_of) then f.answered_at end as answered_at
    from mart_first_response f
    where f.channel in ('forum', 'support')
      and f.started_at <= (select as_of from as_of)
),

-- A conversation in several groups gets the shortest allowance among its groups that have one
-- (group names match without regard to case); the others get the default.
group_allowance as (
    select cg.content_id as conversation_id, min(p.hours) as hours
    from content_groups cg
    join groups g on g.group_id = cg.group_id
    join param_escalation_group_hours p on lower(p.group_name) = lower(g.name)
    group by cg.content_id
),

group_names as (
    select cg.content_id as conversation_id, list(g.name order by g.name) as group_names
    from content_groups cg
    join groups g on g.group_id = cg.group_id
    where cg.content_id in (select conversation_id from conversations)
    group by cg.content_id
),

allowed as (
    select
        c.*,
        coalesce(ga.hours, (select hours from param_escalation_default)) as allowed_hours
    from conversations c
    left join group_allowance ga on ga.conversation_id = c.conversation_id
),

timed as (
    select *, started_at + to_microseconds((allowed_hours * 3600e6)::bigint) as escalated_at
    from allowed
),

escalated as (
    select *
    from timed
    where escalated_at <= (select as_of from as_of)
      and (answered_at is null or answered_at > escalated_at)
),

final as (
    select
        e.community_id,
        e.channel,
        e.conversation_id,
        e.kind,
        e.author,
        coalesce(gn.group_names, []::varchar[]) as group_names,
        e.started_at,
        e.allowed_hours,
        e.escalated_at,
        case when e.answered_at is null then 'open' else 'closed' end as status,
        e.answered_at as closed_at,
        -- how long it has been (or was) escalated: to the answer, or to as_of while still open
        date_diff('second', e.escalated_at, coalesce(e.answered_at, (select as_of from as_of))) / 3600.0 as age_hours,
        date_diff('second', e.started_at, coalesce(e.answered_at, (select as_of from as_of))) / 3600.0 as hours_waited
    from escalated e
    left join group_names gn on gn.conversation_id = e.conversation_id
)

select * from final
