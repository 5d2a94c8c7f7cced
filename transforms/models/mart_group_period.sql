-- Grain: one row per community, group, period kind (ISO week from Monday, calendar month) and period
-- in which the group had content. `day` is the period's last day: the partition a refresh recomputes,
-- so a change on any day of the period or of the previous one (at most 61 days earlier) reaches it.
-- key: community_id, group_id, period_kind, period_start
-- refresh: daily
-- reach: 61
-- range: share_of_activity 0 1
-- range: participant_share 0 1
-- range: participants 0 -
-- check: content_items <= community_content_items | a group's content is part of the community's
-- check: participants <= community_participants | a group's participants are community participants
-- check: previous_content_items is null or content_change = content_items - previous_content_items | change against the previous period
with items as (
    select *
    from int_groups_content
    -- a row reads its own period and the previous one: nothing older than 62 days before the first
    -- recomputed day
    where day >= (select min(day) from refresh_days) - interval 62 day
),

periods as (
    select * from (values ('week', interval 7 day), ('month', interval 1 month)) as p(period_kind, length)
),

dated as (
    select i.*, p.period_kind, p.length, date_trunc(p.period_kind, i.day)::date as period_start
    from items i
    cross join periods p
),

community as (
    -- the denominator: distinct content items of the community in the period, grouped or not
    select
        community_id, period_kind, period_start,
        count(distinct content_id) as content_items,
        count(distinct author_member_id) filter (where not author_is_bot) as participants
    from dated
    group by all
),

grouped as (
    select
        community_id, group_id, group_name, group_kind, period_kind, length, period_start,
        count(*) as content_items,
        count(distinct author_member_id) filter (where not author_is_bot) as participants
    from dated
    where group_id is not null
    group by all
),

compared as (
    select
        g.*,
        c.content_items as community_content_items,
        c.participants as community_participants,
        -- no baseline when the community had no content at all in the previous period; 0 when only
        -- the group had none
        case when pc.community_id is not null then coalesce(prev.content_items, 0) end as previous_content_items,
        case when pc.community_id is not null then coalesce(prev.participants, 0) end as previous_participants
    from grouped g
    join community c using (community_id, period_kind, period_start)
    left join community pc
        on pc.community_id = g.community_id and pc.period_kind = g.period_kind
       and pc.period_start = (g.period_start - g.length)::date
    left join grouped prev
        on prev.community_id = g.community_id and prev.group_id = g.group_id and prev.period_kind = g.period_kind
       and prev.period_start = (g.period_start - g.length)::date
),

final as (
    select
        community_id,
        group_id,
        group_name,
        group_kind,
        period_kind,
        period_start,
        (period_start + length - interval 1 day)::date as day,
        content_items,
        participants,
        community_content_items,
        community_participants,
        content_items / community_content_items as share_of_activity,
        participants / greatest(community_participants, 1) as participant_share,
        previous_content_items,
        content_items - previous_content_items as content_change,
        (content_items - previous_content_items) / nullif(previous_content_items, 0) as content_change_ratio,
        previous_participants,
        participants - previous_participants as participants_change,
        rank() over (partition by community_id, period_kind, period_start
                     order by content_items desc, participants desc) as popularity_rank
    from compared
)

select * from final
