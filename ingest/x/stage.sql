-- X landing tables (land_tweets, land_users) → canonical staging tables; ingest/merge.sql upserts them.
-- Every id is '$prefix/<entity>/<X id>' with $prefix = '<community>/<namespace>'.

-- One row per tweet and per user. Each field is its latest value (the latest fetch, a record before a
-- referenced copy of it, then the last file and line) that is not null: a page whose request left a
-- field out (tweet.fields, user.fields) does not erase what another page carried.
create or replace temp table x_tweets as
select id,
       arg_max(author_id, k) as author_id,
       arg_max(created_at, k) as created_at,
       arg_max(text, k) as text,
       arg_max(lang, k) as lang,
       arg_max(conversation_id, k) as conversation_id,
       arg_max(in_reply_to_user_id, k) as in_reply_to_user_id,
       arg_max(replied_to_id, k) as replied_to_id,
       arg_max(quoted_id, k) as quoted_id,
       arg_max(retweeted_id, k) as retweeted_id,
       arg_max(kind, k) as kind,
       arg_max(hashtags, k) as hashtags,
       arg_max(hashtag_keys, k) as hashtag_keys,
       arg_max(mentions, k) as mentions,
       arg_max(metrics, k) as metrics,
       arg_max(like_count, k) as like_count,
       arg_max(impression_count, k) as impression_count,
       arg_max(raw, k) as raw
from (select *, {'seen': coalesce(observed_at, timestamp '0001-01-01'), 'record': not is_expansion,
                 'file': source_file, 'position': position, 'path': path} as k from land_tweets)
group by id;

create or replace temp table x_users as
select id,
       arg_max(username, k) as username,
       arg_max(name, k) as name,
       arg_max(created_at, k) as created_at,
       arg_max(description, k) as description,
       arg_max(location, k) as location,
       arg_max(website_url, k) as website_url,
       arg_max(followers_count, k) as followers_count,
       arg_max(following_count, k) as following_count,
       arg_max(tweet_count, k) as tweet_count,
       arg_max(verified, k) as verified,
       arg_max(protected, k) as protected,
       arg_max(raw, k) as raw
from (select *, {'seen': coalesce(observed_at, timestamp '0001-01-01'), 'record': not is_expansion,
                 'file': source_file, 'position': position, 'path': path} as k from land_users)
group by id;

-- Tweets acted on (replied to, quoted, retweeted) → their author: from this batch, else from the
-- warehouse (a reply to a tweet loaded earlier).
create or replace temp table x_referenced as
select replied_to_id as id from x_tweets where replied_to_id is not null
union select quoted_id from x_tweets where quoted_id is not null
union select retweeted_id from x_tweets where retweeted_id is not null;

create or replace temp table x_tweet_authors as
select id, $prefix || '/user/' || author_id as author_member_id from x_tweets where author_id is not null
union all
select source_record_id, author_member_id from content
where community_id = $community and source = $source and source_entity = 'tweet'
  and source_record_id in (select id from x_referenced)
  and source_record_id not in (select id from x_tweets);

-- Usernames for permalinks: a profile, else a mention in this batch, else the warehouse.
create or replace temp table x_handles as
with mentioned as (
    select m.id, (list(m.username order by t.created_at desc, m.username)
                  filter (where m.username is not null))[1] as username
    from x_tweets t, unnest(t.mentions) as u(m)
    group by m.id
)
select id, username from x_users where username is not null
union all
select id, username from mentioned
where username is not null and id not in (select id from x_users where username is not null)
union all
select source_user_id, handle from members
where community_id = $community and source = $source and handle is not null
  and source_user_id in (select author_id from x_tweets)
  and source_user_id not in (select id from x_users where username is not null)
  and source_user_id not in (select id from mentioned where username is not null);

-- Threads: the conversation_id X reports. Payloads without it (it must be asked for in tweet.fields)
-- follow the replied-to chain up through the tweets known (this batch, or the warehouse, whose
-- thread is final) to the topmost one, whose thread it is.
create or replace temp table x_nodes as
select id, replied_to_id as parent,
       case when conversation_id is not null then $prefix || '/tweet/' || conversation_id end as thread
from x_tweets
union all
select source_record_id, null::varchar, thread_id from content
where community_id = $community and source = $source and source_entity = 'tweet'
  and source_record_id in (select replied_to_id from x_tweets)
  and source_record_id not in (select id from x_tweets);

-- Walked down from each chain's start, so every tweet is visited once however deep its thread.
create or replace temp table x_threads as
with recursive
starts as (  -- a tweet with its conversation, or whose parent is not known: a thread starts there
    select n.id, coalesce(n.thread, $prefix || '/tweet/' || n.id) as thread_id
    from x_nodes n
    left join x_nodes p on p.id = n.parent
    where n.thread is not null or p.id is null
),
down(id, thread_id) as (
    select id, thread_id from starts
    union all
    select c.id, d.thread_id
    from down d
    join x_nodes c on c.parent = d.id
    where c.thread is null  -- a tweet with its own conversation is a start, not reached again
)
-- a reply cycle (only a corrupt payload holds one) is never reached: its tweets keep their own thread
select id, thread_id from down;

insert into stage_members (member_id, community_id, source, source_user_id, display_name, joined_at, last_seen_at,
    location, website_url, about_text, is_bot, is_staff, raw, handle, followers_count, following_count)
select
    $prefix || '/user/' || u.id, $community, $source, u.id, u.name, u.created_at, seen.last_tweet_at,
    u.location, u.website_url, u.description,
    false, false,    -- bots and staff are decided by the identity rules, not by the payload
    u.raw::json, u.username, u.followers_count, u.following_count
from x_users u
left join (select author_id, max(created_at) as last_tweet_at from x_tweets group by author_id) seen
    on seen.author_id = u.id;

-- Users known only by id (an author whose profile was not expanded, a replied-to user) or by a
-- mention (id and handle): a member row with what is known; a later profile fills in the rest.
insert into stage_members (member_id, community_id, source, source_user_id, last_seen_at, is_bot, is_staff, handle)
select $prefix || '/user/' || s.user_id, $community, $source, s.user_id, max(s.tweeted_at), false, false,
       (list(s.username order by s.at desc, s.username) filter (where s.username is not null))[1]
from (
    select author_id as user_id, null as username, created_at as tweeted_at, created_at as at
    from x_tweets where author_id is not null
    union all
    select in_reply_to_user_id, null, null, created_at from x_tweets where in_reply_to_user_id is not null
    union all
    select m.id, m.username, null, t.created_at from x_tweets t, unnest(t.mentions) as u(m)
) s
where s.user_id not in (select id from x_users)
group by s.user_id;

insert into stage_content (content_id, community_id, source, source_entity, source_record_id, kind, thread_id,
    parent_id, author_member_id, created_at, body_text, tags, score, views, text_hash, raw, channel, lang, url,
    metrics)
select
    $prefix || '/tweet/' || t.id, $community, $source, 'tweet', t.id, t.kind,
    coalesce(th.thread_id, $prefix || '/tweet/' || t.id),
    case when t.replied_to_id is not null then $prefix || '/tweet/' || t.replied_to_id
         when t.quoted_id is not null then $prefix || '/tweet/' || t.quoted_id end,
    case when t.author_id is not null then $prefix || '/user/' || t.author_id end,
    t.created_at, t.text,
    case when len(t.hashtags) > 0 then t.hashtags end,
    t.like_count, t.impression_count,
    md5(chr(10) || coalesce(t.text, '')),
    t.raw::json, $channel, t.lang,
    -- x.com/i/status/<id> is X's permalink when the author's username is not known
    'https://x.com/' || coalesce(h.username, 'i') || '/status/' || t.id,
    t.metrics::json
from x_tweets t
left join x_threads th on th.id = t.id
left join x_handles h on h.id = t.author_id;

insert into stage_groups (group_id, community_id, source, kind, name, source_group_id, item_count, raw)
-- Named by the lower-cased tag: a spelling taken from the tweets (#COVID, #Covid) would depend on
-- which batch came last, and a backfill must give the same warehouse as one run.
select distinct $prefix || '/hashtag/' || key, $community, $source, 'hashtag', '#' || key, key, null, null
from (select unnest(hashtag_keys) as key from x_tweets);

insert into stage_content_groups (content_id, group_id, community_id)
select distinct $prefix || '/tweet/' || id, $prefix || '/hashtag/' || unnest(hashtag_keys), $community
from x_tweets;

-- Who acted on whom. to_member_id is the author of the tweet acted on, when known.
insert into stage_interactions (interaction_id, community_id, source, kind, from_member_id, to_member_id,
    content_id, via_content_id, occurred_at)
select
    $prefix || '/reply/' || t.id, $community, $source, 'reply',
    case when t.author_id is not null then $prefix || '/user/' || t.author_id end,
    coalesce($prefix || '/user/' || t.in_reply_to_user_id, a.author_member_id),
    $prefix || '/tweet/' || t.replied_to_id, $prefix || '/tweet/' || t.id, t.created_at
from x_tweets t
left join x_tweet_authors a on a.id = t.replied_to_id
where t.replied_to_id is not null;

insert into stage_interactions (interaction_id, community_id, source, kind, from_member_id, to_member_id,
    content_id, via_content_id, occurred_at)
select
    $prefix || '/quote/' || t.id, $community, $source, 'quote',
    case when t.author_id is not null then $prefix || '/user/' || t.author_id end,
    a.author_member_id,
    $prefix || '/tweet/' || t.quoted_id, $prefix || '/tweet/' || t.id, t.created_at
from x_tweets t
left join x_tweet_authors a on a.id = t.quoted_id
where t.quoted_id is not null;

insert into stage_interactions (interaction_id, community_id, source, kind, from_member_id, to_member_id,
    content_id, via_content_id, occurred_at)
select
    $prefix || '/retweet/' || t.id, $community, $source, 'retweet',
    case when t.author_id is not null then $prefix || '/user/' || t.author_id end,
    a.author_member_id,
    $prefix || '/tweet/' || t.retweeted_id, $prefix || '/tweet/' || t.id, t.created_at
from x_tweets t
left join x_tweet_authors a on a.id = t.retweeted_id
where t.retweeted_id is not null;

-- One per user mentioned in a tweet. Not for retweets: their text and entities are the original's,
-- which carries the mentions itself; the retweet is the retweeter's interaction.
insert into stage_interactions (interaction_id, community_id, source, kind, from_member_id, to_member_id,
    content_id, via_content_id, occurred_at)
select distinct
    $prefix || '/mention/' || t.id || '/' || u.m.id, $community, $source, 'mention',
    case when t.author_id is not null then $prefix || '/user/' || t.author_id end,
    $prefix || '/user/' || u.m.id,
    $prefix || '/tweet/' || t.id, $prefix || '/tweet/' || t.id, t.created_at
from x_tweets t, unnest(t.mentions) as u(m)
where t.kind <> 'retweet';

drop table x_tweets;
drop table x_users;
drop table x_referenced;
drop table x_tweet_authors;
drop table x_handles;
drop table x_nodes;
drop table x_threads;
