-- TWCS landing tables (land_tweets, land_threads) → canonical staging tables (stage_*); ingest/merge.sql
-- then upserts them. Every id is '$prefix/<entity>/<source id>' with $prefix = '<community>/<namespace>'.
--
-- A conversation (land_threads.root_tweet_id) is one ticket, '$prefix/ticket/<root tweet id>'. Rules,
-- documented in docs/connectors/twcs.md:
-- - requester: author of the first customer (inbound) tweet; agent (assignee): the brand account of
--   the first outbound tweet; organization: that brand, else the first brand the opening tweet @mentions;
-- - first_response_at: the first brand tweet at or after the first customer tweet;
-- - status: 'new' while no brand tweet is in the conversation, 'pending' when the brand wrote last
--   (waiting for the customer), 'open' when the customer wrote last.

create or replace temp table twcs_tweets as
select
    t.tweet_id, t.author_id, t.inbound, t.created_at, t.text, t.in_response_to_tweet_id, t.raw,
    th.root_tweet_id, th.parent_in_source,
    $prefix || '/ticket/' || th.root_tweet_id as ticket_id,
    $prefix || '/user/' || t.author_id as member_id,
    -- order within a conversation: time, then tweet id (ids are digits: shorter is smaller)
    row_number() over (partition by th.root_tweet_id
                       order by t.created_at, length(t.tweet_id), t.tweet_id) as seq
from (select * from land_tweets qualify row_number() over (partition by tweet_id order by source_file, position) = 1) t
join land_threads th using (tweet_id);

create or replace temp table twcs_brands as
select distinct author_id as handle from twcs_tweets where not inbound
union
select source_user_id from members where community_id = $community and source = $source and is_staff;

create or replace temp table twcs_conversations as
select
    ticket_id, root_tweet_id,
    min(created_at) as created_at,
    max(created_at) as updated_at,
    min(seq) filter (where inbound) as first_customer_seq,
    min(seq) filter (where not inbound) as first_agent_seq,
    max(seq) as last_seq,
    list(tweet_id order by seq) as tweet_ids
from twcs_tweets
group by ticket_id, root_tweet_id;

create or replace temp table twcs_tickets as
select
    c.*,
    fc.member_id as requester_member_id,
    fa.member_id as assignee_member_id,
    fa.author_id as agent_handle,
    coalesce(fc.text, root.text) as opening_text,
    (select min(a.created_at) from twcs_tweets a
     where a.ticket_id = c.ticket_id and not a.inbound and a.created_at >= fc.created_at) as first_response_at,
    case when c.first_agent_seq is null then 'new' when last.inbound then 'open' else 'pending' end as status
from twcs_conversations c
join twcs_tweets root on root.tweet_id = c.root_tweet_id
join twcs_tweets last on last.ticket_id = c.ticket_id and last.seq = c.last_seq
left join twcs_tweets fc on fc.ticket_id = c.ticket_id and fc.seq = c.first_customer_seq
left join twcs_tweets fa on fa.ticket_id = c.ticket_id and fa.seq = c.first_agent_seq;

-- A customer's tweet no brand answered yet: the brand is the first known brand account it @mentions.
create or replace temp table twcs_mentioned as
select t.ticket_id, arg_min(b.handle, h.i) as brand
from twcs_tickets t,
     unnest(regexp_extract_all(coalesce(t.opening_text, ''), '@(\w+)', 1)) with ordinality as h(handle, i)
join twcs_brands b on lower(b.handle) = lower(h.handle)
where t.agent_handle is null
group by t.ticket_id;

create or replace temp table twcs_subjects as
select ticket_id,
       -- the opening tweet without its leading @mentions, on one line, cut at 80 characters
       case when length(s) > 80 then left(s, 79) || '…' else nullif(s, '') end as subject
from (select ticket_id,
             trim(regexp_replace(regexp_replace(coalesce(opening_text, ''), '^(\s*@\w+)+', ''), '\s+', ' ', 'g')) as s
      from twcs_tickets);

insert into stage_members (member_id, community_id, source, source_user_id, display_name, last_seen_at, is_bot,
    is_staff, handle, organization)
select
    $prefix || '/user/' || author_id, $community, $source, author_id,
    author_id,  -- customers are anonymised ids in this layout; brands are their screen names
    max(created_at), false, bool_or(not inbound),
    case when bool_or(not inbound) then author_id end,
    case when bool_or(not inbound) then author_id end
from twcs_tweets
group by author_id;

insert into stage_content (content_id, community_id, source, source_entity, source_record_id, kind, thread_id,
    parent_id, author_member_id, author_display_name, created_at, body_text, text_hash, raw, channel, metrics)
select
    $prefix || '/message/' || tweet_id, $community, $source, 'tweet', tweet_id, 'ticket_message', ticket_id,
    case when parent_in_source then $prefix || '/message/' || in_response_to_tweet_id else ticket_id end,
    member_id, author_id, created_at, text,
    md5(chr(10) || coalesce(text, '')),
    raw::json, $channel, json_object('inbound', inbound)
from twcs_tweets;

insert into stage_content (content_id, community_id, source, source_entity, source_record_id, kind, thread_id,
    parent_id, author_member_id, created_at, last_activity_at, title, body_text, text_hash, raw, channel)
select
    t.ticket_id, $community, $source, 'ticket', t.root_tweet_id, 'ticket', t.ticket_id, null,
    t.requester_member_id, t.created_at, t.updated_at, s.subject, t.opening_text,
    md5(coalesce(s.subject, '') || chr(10) || coalesce(t.opening_text, '')),
    json_object('root_tweet_id', t.root_tweet_id, 'tweet_ids', t.tweet_ids), $channel
from twcs_tickets t
join twcs_subjects s using (ticket_id);

insert into stage_interactions (interaction_id, community_id, source, kind, vote_type, from_member_id, to_member_id,
    content_id, via_content_id, occurred_at, bounty_amount)
select
    $prefix || '/message/' || r.tweet_id, $community, $source, 'ticket_reply', null,
    r.member_id, p.member_id, $prefix || '/message/' || p.tweet_id, $prefix || '/message/' || r.tweet_id,
    r.created_at, null
from twcs_tweets r
join twcs_tweets p on p.tweet_id = r.in_response_to_tweet_id
where r.parent_in_source;

insert into stage_tickets (ticket_id, community_id, source, source_record_id, subject, requester_member_id,
    assignee_member_id, organization, via, status, priority, satisfaction, satisfaction_comment, tags, created_at,
    updated_at, first_response_at, solved_at, raw)
select
    t.ticket_id, $community, $source, t.root_tweet_id, s.subject, t.requester_member_id, t.assignee_member_id,
    coalesce(t.agent_handle, m.brand), 'twitter', t.status, null, null, null, null, t.created_at, t.updated_at,
    t.first_response_at, null,
    json_object('root_tweet_id', t.root_tweet_id, 'tweet_ids', t.tweet_ids)
from twcs_tickets t
join twcs_subjects s using (ticket_id)
left join twcs_mentioned m using (ticket_id);

drop table twcs_tweets;
drop table twcs_brands;
drop table twcs_conversations;
drop table twcs_tickets;
drop table twcs_mentioned;
drop table twcs_subjects;
