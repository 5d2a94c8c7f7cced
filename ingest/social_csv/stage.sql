-- Social CSV landing table (land_posts) → canonical staging tables; ingest/merge.sql upserts them.
-- Every id is '$prefix/<entity>/<id as exported>' with $prefix = '<community>/<namespace>'.

-- One row per post: the last file (by name) and line that holds it.
create or replace temp table sc_posts as
select * from land_posts
qualify row_number() over (partition by id order by source_file desc, position desc) = 1;

-- Posts replied to → their author: from this batch, else from the warehouse.
create or replace temp table sc_parents as
select id, $prefix || '/user/' || author as author_member_id, null::varchar as thread_id from sc_posts
union all
select source_record_id, author_member_id, thread_id from content
where community_id = $community and source = $source and source_entity = 'post'
  and source_record_id in (select reply_to from sc_posts)
  and source_record_id not in (select id from sc_posts);

-- Threads: a post whose parent is not known (in this batch, or in the warehouse, whose thread is
-- final) starts one; every reply below it belongs to it. Walked down from the starts, so every post is
-- visited once however deep its thread. A reply cycle (only a corrupt export holds one) is never
-- reached: its posts keep their own thread.
create or replace temp table sc_threads as
with recursive
nodes as (
    select id, reply_to as parent, null::varchar as thread from sc_posts
    union all
    select id, null, thread_id from sc_parents where thread_id is not null
),
starts as (
    select n.id, coalesce(n.thread, $prefix || '/post/' || n.id) as thread_id
    from nodes n
    left join nodes p on p.id = n.parent
    where n.thread is not null or p.id is null
),
down(id, thread_id) as (
    select id, thread_id from starts
    union all
    select c.id, d.thread_id
    from down d
    join nodes c on c.parent = d.id
    where c.thread is null
)
select id, thread_id from down;

insert into stage_members (member_id, community_id, source, source_user_id, display_name, last_seen_at, is_bot,
    is_staff, handle)
select
    $prefix || '/user/' || author, $community, $source, author,
    (list(author_name order by created_at desc, position desc) filter (where author_name is not null))[1],
    max(created_at),
    false, false,    -- bots and staff are decided by the identity rules, not by the export
    (list(handle order by created_at desc, position desc) filter (where handle is not null))[1]
from sc_posts
group by author;

insert into stage_content (content_id, community_id, source, source_entity, source_record_id, kind, thread_id,
    parent_id, author_member_id, created_at, body_text, score, text_hash, raw, channel, lang, url, metrics)
select
    $prefix || '/post/' || p.id, $community, $source, 'post', p.id,
    case when p.reply_to is not null then 'reply' else 'post' end,
    coalesce(th.thread_id, $prefix || '/post/' || p.id),
    case when p.reply_to is not null then $prefix || '/post/' || p.reply_to end,
    $prefix || '/user/' || p.author,
    p.created_at, p.text, p.likes,
    md5(chr(10) || coalesce(p.text, '')),
    p.raw::json, $channel, p.lang, p.url,
    case when p.likes is not null or p.shares is not null then json_object('likes', p.likes, 'shares', p.shares) end
from sc_posts p
left join sc_threads th on th.id = p.id;

-- A reply: from its author to the author of the post replied to (null when that post is not known).
insert into stage_interactions (interaction_id, community_id, source, kind, from_member_id, to_member_id,
    content_id, via_content_id, occurred_at)
select
    $prefix || '/reply/' || p.id, $community, $source, 'reply',
    $prefix || '/user/' || p.author, parent.author_member_id,
    $prefix || '/post/' || p.reply_to, $prefix || '/post/' || p.id, p.created_at
from sc_posts p
left join sc_parents parent on parent.id = p.reply_to
where p.reply_to is not null;

drop table sc_posts;
drop table sc_parents;
drop table sc_threads;
