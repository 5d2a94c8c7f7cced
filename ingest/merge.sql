-- The one write mode every connector shares: merge the canonical staging tables (stage_*, filled by
-- the connector's stage.sql from its landing batch) into the canonical tables.
--
-- - Upsert on the primary key, so loading a batch twice, or overlapping batches, changes nothing.
-- - A record seen several times in one batch keeps its latest version.
-- - Members: attributes a record does not carry keep their earlier value (a mention knows a handle,
--   a profile knows everything).
-- - Content whose text changed keeps its previous text in content_history ('edited').
-- - A ticket whose status, priority or assignee changed gets a ticket_events row, unless the source
--   reported that change itself.

create or replace temp table merge_members as
select * from stage_members
qualify row_number() over (partition by member_id order by last_seen_at desc nulls last, joined_at nulls last) = 1;

insert into members by name
select * replace (is_bot as is_bot_source, coalesce(person_id, member_id) as person_id) from merge_members
on conflict (member_id) do update set
    display_name    = coalesce(excluded.display_name, members.display_name),
    joined_at       = coalesce(excluded.joined_at, members.joined_at),
    last_seen_at    = greatest(excluded.last_seen_at, members.last_seen_at),
    reputation      = coalesce(excluded.reputation, members.reputation),
    location        = coalesce(excluded.location, members.location),
    website_url     = coalesce(excluded.website_url, members.website_url),
    about_text      = coalesce(excluded.about_text, members.about_text),
    profile_views   = coalesce(excluded.profile_views, members.profile_views),
    up_votes        = coalesce(excluded.up_votes, members.up_votes),
    down_votes      = coalesce(excluded.down_votes, members.down_votes),
    account_id      = coalesce(excluded.account_id, members.account_id),
    is_bot_source   = excluded.is_bot_source,
    is_bot          = excluded.is_bot_source or members.bot_rule is not null,
    is_staff        = excluded.is_staff or members.is_staff,
    raw             = coalesce(excluded.raw, members.raw),
    handle          = coalesce(excluded.handle, members.handle),
    followers_count = coalesce(excluded.followers_count, members.followers_count),
    following_count = coalesce(excluded.following_count, members.following_count),
    email_hash      = coalesce(excluded.email_hash, members.email_hash),
    organization    = coalesce(excluded.organization, members.organization);

insert or replace into member_identities
select community_id, source, source_user_id, member_id from merge_members;

insert or replace into groups by name
select * from stage_groups qualify row_number() over (partition by group_id) = 1;

create or replace temp table merge_content as
select * from stage_content
qualify row_number() over (partition by content_id order by coalesce(edited_at, last_activity_at, created_at) desc) = 1;

insert or ignore into content_history by name
select
    old.content_id || '/edited/' || old.text_hash as history_id,
    old.community_id,
    old.content_id,
    'edited' as event_type,
    -1 as event_type_id,  -- seen by Townsquare between two loads, not reported by the source
    coalesce(new.edited_at, new.last_activity_at, old.created_at) as occurred_at,
    new.author_member_id as member_id,
    'text changed between loads; this is the previous text' as comment,
    old.body_text as text,
    null as revision_guid
from merge_content new
join content old using (content_id)
where old.text_hash <> new.text_hash;

insert or replace into content by name select * from merge_content;

-- An item's groups are replaced by the ones its latest version carries.
delete from content_groups where content_id in (select content_id from merge_content);
insert or replace into content_groups by name select distinct * from stage_content_groups;

insert or replace into interactions by name
select * from stage_interactions qualify row_number() over (partition by interaction_id order by occurred_at desc) = 1;

insert or replace into badges by name
select * from stage_badges qualify row_number() over (partition by badge_id) = 1;

insert or replace into content_links by name
select * from stage_content_links qualify row_number() over (partition by link_id) = 1;

insert or replace into content_history by name
select * from stage_content_history qualify row_number() over (partition by history_id) = 1;

create or replace temp table merge_tickets as
select * from stage_tickets
qualify row_number() over (partition by ticket_id order by updated_at desc nulls last) = 1;

insert into ticket_events by name
select * from stage_ticket_events qualify row_number() over (partition by event_id) = 1
on conflict do nothing;

-- Changes between two loads that the source did not report as events.
insert into ticket_events by name
select
    new.ticket_id || '/' || change.field || '/' || strftime(coalesce(new.updated_at, new.created_at), '%Y%m%dT%H%M%S')
        || '/' || coalesce(change.new_value, '') as event_id,
    new.ticket_id,
    new.community_id,
    coalesce(new.updated_at, new.created_at) as occurred_at,
    change.field,
    change.old_value,
    change.new_value,
    null as member_id
from merge_tickets new
join tickets old using (ticket_id),
lateral (values ('status', old.status, new.status), ('priority', old.priority, new.priority),
                ('assignee', old.assignee_member_id, new.assignee_member_id)) as change(field, old_value, new_value)
where change.old_value is distinct from change.new_value
  and not exists (select 1 from ticket_events e where e.ticket_id = new.ticket_id and e.field = change.field
                  and e.new_value is not distinct from change.new_value
                  and e.occurred_at > coalesce(old.updated_at, old.created_at))
on conflict do nothing;

insert or replace into tickets by name select * from merge_tickets;
