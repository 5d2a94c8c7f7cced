-- Zendesk landing tables (land_*) → canonical staging tables (stage_*); ingest/merge.sql then upserts
-- them. Every id is '$prefix/<entity>/<source id>' with $prefix = '<community>/<namespace>'.
--
-- An export is usually a slice of the help desk (what changed since the last one), so what a ticket
-- row derives from other records (organization name, agents, comments, status history, rating) is
-- looked up in this batch first and in what earlier loads put in the warehouse second. Tickets this
-- batch does not hold but whose comments, changes or ratings it does are staged again from the
-- warehouse with those derived columns recomputed.

-- The latest version of each record in the batch (an export can repeat a record it saw updated).
create or replace temp table zd_orgs as
select * from land_organizations
qualify row_number() over (partition by id order by updated_at desc nulls last, source_file desc, position desc) = 1;

create or replace temp table zd_users as
select * from land_users
qualify row_number() over (partition by id order by updated_at desc nulls last, source_file desc, position desc) = 1;

create or replace temp table zd_tickets as
select * from land_tickets
qualify row_number() over (partition by id order by updated_at desc nulls last, source_file desc, position desc) = 1;

create or replace temp table zd_ratings as
select * from land_satisfaction_ratings
qualify row_number() over (partition by ticket_id order by updated_at desc nulls last, created_at desc nulls last,
                                                           id desc) = 1;

create or replace temp table zd_comments as
select * from land_comments qualify row_number() over (partition by id order by source_file, position) = 1;

create or replace temp table zd_changes as
select * from land_ticket_changes qualify row_number() over (partition by id order by source_file, position) = 1;

create or replace temp table zd_org_names as
select id::varchar as org_id, name from zd_orgs
union all
select source_group_id, name from groups
where community_id = $community and source = $source and kind = 'organization'
  and source_group_id not in (select id::varchar from zd_orgs);

-- Agents and admins: staff in this batch or in an earlier one.
create or replace temp table zd_staff as
select $prefix || '/user/' || id as member_id from zd_users where role in ('agent', 'admin')
union
select member_id from members where community_id = $community and source = $source and is_staff;

insert into stage_groups (group_id, community_id, source, kind, name, source_group_id, item_count, raw)
select $prefix || '/org/' || id, $community, $source, 'organization', name, id::varchar, null, raw::json
from zd_orgs;

insert into stage_groups (group_id, community_id, source, kind, name, source_group_id, item_count, raw)
select distinct $prefix || '/tag/' || tag, $community, $source, 'tag', tag, tag, null::integer, null::json
from zd_tickets, unnest(tags) as t(tag);

insert into stage_members (member_id, community_id, source, source_user_id, display_name, joined_at, last_seen_at,
    is_bot, is_staff, raw, email_hash, organization)
select
    $prefix || '/user/' || u.id, $community, $source, u.id::varchar, u.name, u.created_at, u.last_login_at,
    false, coalesce(u.role in ('agent', 'admin'), false), u.raw::json, u.email_hash, o.name
from zd_users u
left join zd_org_names o on o.org_id = u.organization_id::varchar;

-- Tickets: this batch's, then the warehouse's that this batch adds comments, changes or a rating to.
create or replace temp table zd_ticket_rows as
select
    $prefix || '/ticket/' || t.id as ticket_id, $community as community_id, $source as source,
    t.id::varchar as source_record_id, t.subject,
    case when t.requester_id > 0 then $prefix || '/user/' || t.requester_id end as requester_member_id,
    case when t.assignee_id > 0 then $prefix || '/user/' || t.assignee_id end as assignee_member_id,
    o.name as organization, t.via_channel as via, t.status, t.priority,
    t.satisfaction_score as satisfaction, t.satisfaction_comment, t.tags, t.created_at, t.updated_at,
    null::timestamp as first_response_at, null::timestamp as solved_at, t.raw::json as raw
from zd_tickets t
left join zd_org_names o on o.org_id = t.organization_id::varchar;

insert into zd_ticket_rows (ticket_id, community_id, source, source_record_id, subject, requester_member_id,
    assignee_member_id, organization, via, status, priority, satisfaction, satisfaction_comment, tags, created_at,
    updated_at, first_response_at, solved_at, raw)
select ticket_id, community_id, source, source_record_id, subject, requester_member_id, assignee_member_id,
       organization, via, status, priority, satisfaction, satisfaction_comment, tags, created_at, updated_at,
       first_response_at, solved_at, raw
from tickets
where community_id = $community and source = $source
  and ticket_id not in (select ticket_id from zd_ticket_rows)
  and ticket_id in (select $prefix || '/ticket/' || ticket_id from zd_comments
                    union select $prefix || '/ticket/' || ticket_id from zd_changes
                    union select $prefix || '/ticket/' || ticket_id from zd_ratings);

-- A satisfaction rating record is the latest word on a ticket's rating.
update zd_ticket_rows set satisfaction = r.score, satisfaction_comment = r.comment
from zd_ratings r
where zd_ticket_rows.ticket_id = $prefix || '/ticket/' || r.ticket_id;

-- First response: the first public comment by an agent after the ticket was created.
create or replace temp table zd_messages as
select $prefix || '/ticket/' || ticket_id as ticket_id, created_at, public,
       case when author_id > 0 then $prefix || '/user/' || author_id end as author_member_id
from zd_comments
union all
select thread_id, created_at, (metrics->>'public')::boolean, author_member_id
from content
where community_id = $community and source = $source and kind = 'ticket_message'
  and source_record_id not in (select id::varchar from zd_comments);

update zd_ticket_rows set first_response_at = f.first_response_at
from (select t.ticket_id, min(m.created_at) as first_response_at
      from zd_ticket_rows t
      join zd_messages m on m.ticket_id = t.ticket_id
      join zd_staff s on s.member_id = m.author_member_id
      where m.public and m.created_at > t.created_at
      group by t.ticket_id) f
where zd_ticket_rows.ticket_id = f.ticket_id;

-- Solved: the latest change to 'solved' the events export reported (this batch or earlier), while the
-- ticket is solved or closed. A ticket seen solved without such an event was solved by its last update.
create or replace temp table zd_solves as
select $prefix || '/ticket/' || ticket_id as ticket_id, max(occurred_at) as solved_at
from (select ticket_id::varchar as ticket_id, occurred_at from zd_changes where field = 'status' and new_value = 'solved'
      union all
      select source_record_id, e.occurred_at
      from ticket_events e join tickets t using (ticket_id)
      where t.community_id = $community and t.source = $source and e.field = 'status' and e.new_value = 'solved')
group by ticket_id;

update zd_ticket_rows set solved_at = case when status = 'solved' then updated_at end;

update zd_ticket_rows set solved_at = s.solved_at
from zd_solves s
where zd_ticket_rows.ticket_id = s.ticket_id and zd_ticket_rows.status in ('solved', 'closed');

insert into stage_tickets (ticket_id, community_id, source, source_record_id, subject, requester_member_id,
    assignee_member_id, organization, via, status, priority, satisfaction, satisfaction_comment, tags, created_at,
    updated_at, first_response_at, solved_at, raw)
select ticket_id, community_id, source, source_record_id, subject, requester_member_id, assignee_member_id,
       organization, via, status, priority, satisfaction, satisfaction_comment, tags, created_at, updated_at,
       first_response_at, solved_at, raw
from zd_ticket_rows;

-- The ticket is also the thread's first content row: its subject and description.
insert into stage_content (content_id, community_id, source, source_entity, source_record_id, kind, thread_id,
    parent_id, author_member_id, created_at, last_activity_at, closed_at, title, body_text, tags, text_hash, raw,
    channel)
select
    r.ticket_id, $community, $source, 'ticket', t.id::varchar, 'ticket', r.ticket_id, null,
    r.requester_member_id, t.created_at, t.updated_at, r.solved_at, t.subject, t.description, t.tags,
    md5(coalesce(t.subject, '') || chr(10) || coalesce(t.description, '')),
    t.raw::json, $channel
from zd_tickets t
join zd_ticket_rows r on r.ticket_id = $prefix || '/ticket/' || t.id;

insert into stage_content (content_id, community_id, source, source_entity, source_record_id, kind, thread_id,
    parent_id, author_member_id, created_at, body_text, text_hash, raw, channel, metrics)
select
    $prefix || '/message/' || id, $community, $source, 'comment', id::varchar, 'ticket_message',
    $prefix || '/ticket/' || ticket_id, $prefix || '/ticket/' || ticket_id,
    case when author_id > 0 then $prefix || '/user/' || author_id end,
    created_at, body, md5(chr(10) || coalesce(body, '')), raw::json, $channel,
    json_object('public', public, 'via', via_channel)
from zd_comments;

-- Replies: from a comment's author to the ticket's requester (the requester's own comments are not).
insert into stage_interactions (interaction_id, community_id, source, kind, vote_type, from_member_id, to_member_id,
    content_id, via_content_id, occurred_at, bounty_amount)
select
    $prefix || '/message/' || c.id, $community, $source, 'ticket_reply', null,
    $prefix || '/user/' || c.author_id, r.requester_member_id, r.ticket_id, $prefix || '/message/' || c.id,
    c.created_at, null
from zd_comments c
join zd_ticket_rows r on r.ticket_id = $prefix || '/ticket/' || c.ticket_id
where c.author_id > 0 and r.requester_member_id is distinct from $prefix || '/user/' || c.author_id;

insert into stage_content_groups (content_id, group_id, community_id)
select distinct $prefix || '/ticket/' || t.id, $prefix || '/org/' || t.organization_id, $community
from zd_tickets t
join zd_org_names o on o.org_id = t.organization_id::varchar
union
select distinct $prefix || '/ticket/' || t.id, $prefix || '/tag/' || tag, $community
from zd_tickets t, unnest(t.tags) as g(tag);

insert into stage_ticket_events (event_id, ticket_id, community_id, occurred_at, field, old_value, new_value, member_id)
select
    $prefix || '/event/' || id, $prefix || '/ticket/' || ticket_id, $community, occurred_at, field,
    -- assignees are members, so the history compares with tickets.assignee_member_id
    case when field = 'assignee' and old_value is not null then $prefix || '/user/' || old_value else old_value end,
    case when field = 'assignee' and new_value is not null then $prefix || '/user/' || new_value else new_value end,
    case when updater_id > 0 then $prefix || '/user/' || updater_id end  -- -1 is Zendesk itself
from zd_changes;

drop table zd_orgs;
drop table zd_users;
drop table zd_tickets;
drop table zd_ratings;
drop table zd_comments;
drop table zd_changes;
drop table zd_org_names;
drop table zd_staff;
drop table zd_ticket_rows;
drop table zd_messages;
drop table zd_solves;
