-- Merge one landing batch (temp tables stg_*) into the canonical tables. Parameter $community is the
-- community id; every id is '<community>/<entity>/<source id>'. Upserts on natural keys, so loading
-- the same batch twice, or overlapping dumps, leaves the same rows.

insert or replace into members
select
    $community || '/user/' || id, $community, 'stackexchange', id::varchar, display_name,
    created_at, last_access_at, reputation, location, website_url, about_text, views, up_votes, down_votes,
    account_id::varchar,
    id < 0,          -- negative ids are system accounts (-1 "Community" bumps and owns wiki posts)
    false, raw::json
from stg_users;

insert or replace into member_identities
select $community, 'stackexchange', id::varchar, $community || '/user/' || id from stg_users;

insert or replace into groups
select $community || '/tag/' || tag_name, $community, 'stackexchange', 'tag', tag_name, id::varchar, count, raw::json
from stg_tags;

insert or replace into content
select
    $community || '/post/' || p.id, $community, 'stackexchange', 'post', p.id::varchar,
    case p.post_type_id
        when 1 then 'question' when 2 then 'answer' when 3 then 'orphaned_tag_wiki'
        when 4 then 'tag_wiki_excerpt' when 5 then 'tag_wiki' when 6 then 'moderator_nomination'
        when 7 then 'wiki_placeholder' when 8 then 'privilege_wiki' else 'post_type_' || p.post_type_id
    end,
    case p.post_type_id when 1 then $community || '/post/' || p.id
                        when 2 then $community || '/post/' || p.parent_id end,
    case when p.parent_id is not null then $community || '/post/' || p.parent_id end,
    case when p.owner_user_id is not null then $community || '/user/' || p.owner_user_id end,
    p.owner_display_name, p.created_at, p.last_edit_at, p.last_activity_at, p.closed_at,
    p.title, p.body_text, p.tags, p.score, p.view_count, p.answer_count, p.comment_count, p.favorite_count,
    case when p.accepted_answer_id is not null then $community || '/post/' || p.accepted_answer_id end,
    md5(coalesce(p.title, '') || chr(10) || coalesce(p.body_text, '')),
    p.raw::json
from stg_posts p;

insert or replace into content
select
    $community || '/comment/' || c.id, $community, 'stackexchange', 'comment', c.id::varchar, 'comment',
    post.thread_id, $community || '/post/' || c.post_id,
    case when c.user_id is not null then $community || '/user/' || c.user_id end,
    c.user_display_name, c.created_at, null, null, null, null, c.text, null, c.score, null, null, null, null, null,
    md5(chr(10) || coalesce(c.text, '')),
    c.raw::json
from stg_comments c
left join content post on post.content_id = $community || '/post/' || c.post_id;

-- A question's tags can change between dumps: replace its group links wholesale.
delete from content_groups
where content_id in (select $community || '/post/' || id from stg_posts where post_type_id = 1);

insert into content_groups
select distinct $community || '/post/' || p.id, $community || '/tag/' || t.tag, $community
from stg_posts p, unnest(p.tags) as t(tag)
where p.post_type_id = 1;

insert or replace into interactions
select
    $community || '/answer/' || p.id, $community, 'stackexchange', 'answer', null,
    a.author_member_id, q.author_member_id, q.content_id, a.content_id, a.created_at, null
from content a
join stg_posts p on a.content_id = $community || '/post/' || p.id and p.post_type_id = 2
left join content q on q.content_id = a.parent_id;

insert or replace into interactions
select
    $community || '/comment/' || c.id, $community, 'stackexchange', 'comment', null,
    case when c.user_id is not null then $community || '/user/' || c.user_id end,
    post.author_member_id, post.content_id, $community || '/comment/' || c.id, c.created_at, null
from stg_comments c
left join content post on post.content_id = $community || '/post/' || c.post_id;

insert or replace into interactions
select
    $community || '/vote/' || v.id, $community, 'stackexchange', 'vote',
    case v.vote_type_id
        when 1 then 'accept' when 2 then 'upvote' when 3 then 'downvote' when 4 then 'offensive'
        when 5 then 'favorite' when 6 then 'close' when 7 then 'reopen' when 8 then 'bounty_start'
        when 9 then 'bounty_close' when 10 then 'deletion' when 11 then 'undeletion' when 12 then 'spam'
        when 15 then 'moderator_review' when 16 then 'approve_edit' else 'vote_type_' || v.vote_type_id
    end,
    case when v.user_id is not null then $community || '/user/' || v.user_id end,
    post.author_member_id, $community || '/post/' || v.post_id, null, v.created_at, v.bounty_amount
from stg_votes v
left join content post on post.content_id = $community || '/post/' || v.post_id;

-- The asker accepting an answer: an interaction from asker to answerer, timed by the accept vote
-- when the dump has one (votes carry dates only), else by the answer.
insert or replace into interactions
select
    $community || '/accept/' || p.id, $community, 'stackexchange', 'accept', null,
    q.author_member_id, a.author_member_id, a.content_id, q.content_id,
    coalesce((select min(v.created_at) from stg_votes v where v.post_id = p.accepted_answer_id and v.vote_type_id = 1),
             a.created_at),
    null
from stg_posts p
join content q on q.content_id = $community || '/post/' || p.id
join content a on a.content_id = $community || '/post/' || p.accepted_answer_id
where p.post_type_id = 1 and p.accepted_answer_id is not null;

insert or replace into badges
select $community || '/badge/' || id, $community, $community || '/user/' || user_id, name, awarded_at,
       case badge_class when 1 then 'gold' when 2 then 'silver' when 3 then 'bronze' end, tag_based
from stg_badges;

insert or replace into content_links
select $community || '/link/' || id, $community, $community || '/post/' || post_id,
       $community || '/post/' || related_post_id,
       case link_type_id when 1 then 'linked' when 3 then 'duplicate' else 'link_type_' || link_type_id end,
       created_at
from stg_post_links;

insert or replace into content_history
select
    $community || '/history/' || id, $community, $community || '/post/' || post_id,
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
    case when user_id is not null then $community || '/user/' || user_id end,
    comment, text, revision_guid
from stg_post_history;
