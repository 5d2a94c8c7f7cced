-- Discourse landing tables (land_*) → canonical staging tables (stage_*); ingest/merge.sql then upserts
-- them. Every id is '$prefix/<entity>/<Discourse id>' with $prefix = '<community>/<namespace>':
-- '$prefix/post/<post id>', '$prefix/user/<user id>', '$prefix/category/<category id>'.

insert into stage_groups (group_id, community_id, source, kind, name, source_group_id, item_count, raw)
select $prefix || '/category/' || id, $community, $source, 'category', name, id::varchar, topic_count, raw::json
from land_categories;

-- Negative ids are Discourse's own accounts: system (-1), discobot (-2), AI and other bots.
insert into stage_members (member_id, community_id, source, source_user_id, display_name, joined_at, last_seen_at,
    location, website_url, is_bot, is_staff, raw, handle)
select
    $prefix || '/user/' || id, $community, $source, id::varchar, coalesce(nullif(name, ''), username),
    joined_at, last_seen_at, location, website_url,
    id < 0,
    coalesce(admin, false) or coalesce(moderator, false) or coalesce(staff, false),
    raw::json, username
from land_users;

create or replace temp table dc_topics as
select * from land_topics qualify row_number() over (partition by id order by bumped_at desc) = 1;

-- Posts this batch can refer to by (topic, post number): its own, else the ones already in the
-- warehouse. An incremental batch does not re-read old posts, but its replies and accepted answers
-- may point at them.
create or replace temp table dc_posts as
select
    $prefix || '/post/' || id as content_id, topic_id, post_number, created_at,
    case when user_id is not null then $prefix || '/user/' || user_id end as author_member_id
from land_posts
union all
select
    content_id, try_cast(json_extract_string(raw, '$.topic_id') as bigint),
    try_cast(json_extract_string(raw, '$.post_number') as bigint), created_at, author_member_id
from content
where community_id = $community and source = $source and source_entity = 'post'
  and content_id not in (select $prefix || '/post/' || id from land_posts);

-- A topic's first post is its 'topic' row (with the title, tags, category and views); the others
-- reply to the post they name (reply_to_post_number) or else to the topic.
insert into stage_content (content_id, community_id, source, source_entity, source_record_id, kind, thread_id,
    parent_id, author_member_id, author_display_name, created_at, edited_at, last_activity_at, title, body_text,
    tags, score, views, answer_count, accepted_answer_id, text_hash, raw, channel, url, metrics)
select
    $prefix || '/post/' || p.id, $community, $source, 'post', p.id::varchar,
    case when p.post_number = 1 then 'topic' when p.post_type = 2 then 'moderator_action'
         when p.post_type = 3 then 'small_action' else 'reply' end,
    case when p.topic_first_post_id is not null then $prefix || '/post/' || p.topic_first_post_id end,
    case when p.post_number > 1 then coalesce(parent.content_id, $prefix || '/post/' || p.topic_first_post_id) end,
    case when p.user_id is not null then $prefix || '/user/' || p.user_id end,
    p.display_name, p.created_at,
    case when p.version > 1 then p.updated_at end,
    case when p.post_number = 1 then coalesce(t.last_posted_at, p.updated_at) else p.updated_at end,
    case when p.post_number = 1 then t.title end,
    p.body_text,
    case when p.post_number = 1 then t.tags end,
    p.like_count,  -- Discourse's own post `score` is a ranking heuristic, not votes: likes are the score
    case when p.post_number = 1 then t.views end,
    case when p.post_number = 1 then t.posts_count - 1 end,
    case when p.post_number = 1 then accepted.content_id end,
    md5(coalesce(case when p.post_number = 1 then t.title end, '') || chr(10) || coalesce(p.body_text, '')),
    p.raw::json, $channel, p.url,
    json_object('likes', p.like_count, 'reads', p.reads, 'replies', p.reply_count)
from land_posts p
left join dc_topics t on t.id = p.topic_id
left join dc_posts parent on parent.topic_id = p.topic_id and parent.post_number = p.reply_to_post_number
left join dc_posts accepted on accepted.topic_id = p.topic_id and accepted.post_number = t.accepted_post_number;

insert into stage_content_groups (content_id, group_id, community_id)
select distinct $prefix || '/post/' || p.id, $prefix || '/category/' || t.category_id, $community
from land_posts p
join dc_topics t on t.id = p.topic_id
where p.post_number = 1 and t.category_id is not null;

-- A reply (regular post or whisper, not the topic's own first post nor a small action) is an
-- interaction from its author to the author of the post it replies to, or of the topic.
insert into stage_interactions (interaction_id, community_id, source, kind, vote_type, from_member_id, to_member_id,
    content_id, via_content_id, occurred_at, bounty_amount)
select
    $prefix || '/reply/' || p.id, $community, $source, 'reply', null,
    case when p.user_id is not null then $prefix || '/user/' || p.user_id end,
    case when parent.content_id is not null then parent.author_member_id else first.author_member_id end,
    coalesce(parent.content_id, $prefix || '/post/' || p.topic_first_post_id),
    $prefix || '/post/' || p.id, p.created_at, null
from land_posts p
left join dc_posts parent on parent.topic_id = p.topic_id and parent.post_number = p.reply_to_post_number
left join dc_posts first on first.content_id = $prefix || '/post/' || p.topic_first_post_id
where p.post_number > 1 and coalesce(p.post_type, 1) in (1, 4);

-- The solved plugin's accepted answer: from the topic's author to the answer's author. The API does
-- not say when it was accepted, so the answer's own time stands in. Only topics whose pages this
-- batch read carry a trustworthy accepted_post_number.
insert into stage_interactions (interaction_id, community_id, source, kind, vote_type, from_member_id, to_member_id,
    content_id, via_content_id, occurred_at, bounty_amount)
select
    $prefix || '/accept/' || t.id, $community, $source, 'accept', null,
    case when first.user_id is not null then $prefix || '/user/' || first.user_id end,
    answer.author_member_id, answer.content_id, $prefix || '/post/' || first.id, answer.created_at, null
from dc_topics t
join land_posts first on first.topic_id = t.id and first.post_number = 1
join dc_posts answer on answer.topic_id = t.id and answer.post_number = t.accepted_post_number;

drop table dc_topics;

drop table dc_posts;
