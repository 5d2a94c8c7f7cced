-- Stack Exchange landing tables (land_*) → canonical staging tables (stage_*); ingest/merge.sql then
-- upserts them. Every id is '$prefix/<entity>/<source id>' with $prefix = '<community>/<namespace>'.

insert into stage_members (member_id, community_id, source, source_user_id, display_name, joined_at,
    last_seen_at, reputation, location, website_url, about_text, profile_views, up_votes, down_votes,
    account_id, is_bot, is_staff, raw)
select
    $prefix || '/user/' || id, $community, $source, id::varchar, display_name,
    created_at, last_access_at, reputation, location, website_url, about_text, views, up_votes, down_votes,
    account_id::varchar,
    id < 0,          -- negative ids are system accounts (-1 "Community" bumps and owns wiki posts)
    false, raw::json
from land_users;

insert into stage_groups (group_id, community_id, source, kind, name, source_group_id, item_count, raw)
select $prefix || '/tag/' || tag_name, $community, $source, 'tag', tag_name, id::varchar, count, raw::json
from land_tags;

insert into stage_content (content_id, community_id, source, source_entity, source_record_id, kind, thread_id,
    parent_id, author_member_id, author_display_name, created_at, edited_at, last_activity_at, closed_at, title,
    body_text, tags, score, views, answer_count, comment_count, favorite_count, accepted_answer_id, text_hash, raw,
    channel)
select
    $prefix || '/post/' || p.id, $community, $source, 'post', p.id::varchar,
    case p.post_type_id
        when 1 then 'question' when 2 then 'answer' when 3 then 'orphaned_tag_wiki'
        when 4 then 'tag_wiki_excerpt' when 5 then 'tag_wiki' when 6 then 'moderator_nomination'
        when 7 then 'wiki_placeholder' when 8 then 'privilege_wiki' else 'post_type_' || p.post_type_id
    end,
    case p.post_type_id when 1 then $prefix || '/post/' || p.id
                        when 2 then $prefix || '/post/' || p.parent_id end,
    case when p.parent_id is not null then $prefix || '/post/' || p.parent_id end,
    case when p.owner_user_id is not null then $prefix || '/user/' || p.owner_user_id end,
    p.owner_display_name, p.created_at, p.last_edit_at, p.last_activity_at, p.closed_at,
    p.title, p.body_text, p.tags, p.score, p.view_count, p.answer_count, p.comment_count, p.favorite_count,
    case when p.accepted_answer_id is not null then $prefix || '/post/' || p.accepted_answer_id end,
    md5(coalesce(p.title, '') || chr(10) || coalesce(p.body_text, '')),
    p.raw::json, $channel
from land_posts p;

-- Posts this batch refers to: its own, else the ones already in the warehouse (a comments-only batch).
create or replace temp table se_posts as
select content_id, thread_id, author_member_id, created_at from stage_content
union all
select content_id, thread_id, author_member_id, created_at from content
where community_id = $community and source = $source and source_entity = 'post'
  and content_id not in (select content_id from stage_content);

insert into stage_content (content_id, community_id, source, source_entity, source_record_id, kind, thread_id,
    parent_id, author_member_id, author_display_name, created_at, body_text, score, text_hash, raw, channel)
select
    $prefix || '/comment/' || c.id, $community, $source, 'comment', c.id::varchar, 'comment',
    post.thread_id, $prefix || '/post/' || c.post_id,
    case when c.user_id is not null then $prefix || '/user/' || c.user_id end,
    c.user_display_name, c.created_at, c.text, c.score,
    md5(chr(10) || coalesce(c.text, '')),
    c.raw::json, $channel
from land_comments c
left join se_posts post on post.content_id = $prefix || '/post/' || c.post_id;

insert into stage_content_groups (content_id, group_id, community_id)
select distinct $prefix || '/post/' || p.id, $prefix || '/tag/' || t.tag, $community
from land_posts p, unnest(p.tags) as t(tag)
where p.post_type_id = 1;

insert into stage_interactions (interaction_id, community_id, source, kind, vote_type, from_member_id, to_member_id,
    content_id, via_content_id, occurred_at, bounty_amount)
select
    $prefix || '/answer/' || p.id, $community, $source, 'answer', null,
    case when p.owner_user_id is not null then $prefix || '/user/' || p.owner_user_id end,
    q.author_member_id, q.content_id, $prefix || '/post/' || p.id, p.created_at, null
from land_posts p
left join se_posts q on q.content_id = $prefix || '/post/' || p.parent_id
where p.post_type_id = 2;

insert into stage_interactions (interaction_id, community_id, source, kind, vote_type, from_member_id, to_member_id,
    content_id, via_content_id, occurred_at, bounty_amount)
select
    $prefix || '/comment/' || c.id, $community, $source, 'comment', null,
    case when c.user_id is not null then $prefix || '/user/' || c.user_id end,
    post.author_member_id, post.content_id, $prefix || '/comment/' || c.id, c.created_at, null
from land_comments c
left join se_posts post on post.content_id = $prefix || '/post/' || c.post_id;

insert into stage_interactions (interaction_id, community_id, source, kind, vote_type, from_member_id, to_member_id,
    content_id, via_content_id, occurred_at, bounty_amount)
select
    $prefix || '/vote/' || v.id, $community, $source, 'vote',
    case v.vote_type_id
        when 1 then 'accept' when 2 then 'upvote' when 3 then 'downvote' when 4 then 'offensive'
        when 5 then 'favorite' when 6 then 'close' when 7 then 'reopen' when 8 then 'bounty_start'
        when 9 then 'bounty_close' when 10 then 'deletion' when 11 then 'undeletion' when 12 then 'spam'
        when 15 then 'moderator_review' when 16 then 'approve_edit' else 'vote_type_' || v.vote_type_id
    end,
    case when v.user_id is not null then $prefix || '/user/' || v.user_id end,
    post.author_member_id, $prefix || '/post/' || v.post_id, null, v.created_at, v.bounty_amount
from land_votes v
left join se_posts post on post.content_id = $prefix || '/post/' || v.post_id;

-- The asker accepting an answer: an interaction from asker to answerer, timed by the accept vote
-- when the dump has one (votes carry dates only), else by the answer.
insert into stage_interactions (interaction_id, community_id, source, kind, vote_type, from_member_id, to_member_id,
    content_id, via_content_id, occurred_at, bounty_amount)
select
    $prefix || '/accept/' || p.id, $community, $source, 'accept', null,
    q.author_member_id, a.author_member_id, a.content_id, q.content_id,
    coalesce((select min(v.created_at) from land_votes v where v.post_id = p.accepted_answer_id and v.vote_type_id = 1),
             a.created_at),
    null
from land_posts p
join se_posts q on q.content_id = $prefix || '/post/' || p.id
join se_posts a on a.content_id = $prefix || '/post/' || p.accepted_answer_id
where p.post_type_id = 1 and p.accepted_answer_id is not null;

insert into stage_badges (badge_id, community_id, member_id, name, awarded_at, badge_class, tag_based)
select $prefix || '/badge/' || id, $community, $prefix || '/user/' || user_id, name, awarded_at,
       case badge_class when 1 then 'gold' when 2 then 'silver' when 3 then 'bronze' end, tag_based
from land_badges;

insert into stage_content_links (link_id, community_id, content_id, related_content_id, link_type, created_at)
select $prefix || '/link/' || id, $community, $prefix || '/post/' || post_id,
       $prefix || '/post/' || related_post_id,
       case link_type_id when 1 then 'linked' when 3 then 'duplicate' else 'link_type_' || link_type_id end,
       created_at
from land_post_links;

insert into stage_content_history (history_id, community_id, content_id, event_type, event_type_id, occurred_at,
    member_id, comment, text, revision_guid)
select
    $prefix || '/history/' || id, $community, $prefix || '/post/' || post_id,
    case post_history_type_id
        when 1 then 'initial_title' when 2 then 'initial_body' when 3 then 'initial_tags'
        when 4 then 'edit_title' when 5 then 'edit_body' when 6 then 'edit_tags'
        when 7 then 'rollback_title' when 8 then 'rollback_body' when 9 then 'rollback_tags'
        when 10 then 'closed' when 11 then 'reopened' when 12 then 'deleted' when 13 then 'undeleted'
        when 14 then 'locked' when 15 then 'unlocked' when 16 then 'community_owned'
        when 17 then 'migrated' when 18 then 'question_merged' when 19 then 'protected'
        when 20 then 'unprotected' when 22 then 'question_unmerged' when 24 then 'suggested_edit_applied'
        when 25 then 'tweeted' when 33 then 'notice_added' when 34 then 'notice_removed'
        when 35 then 'migrated_away' when 36 then 'migrated_here' when 37 then 'merge_source'
        when 38 then 'merge_destination' when 50 then 'bumped'
        else 'history_type_' || post_history_type_id
    end,
    post_history_type_id, created_at,
    case when user_id is not null then $prefix || '/user/' || user_id end,
    comment, text, revision_guid
from land_post_history;

drop table se_posts;
