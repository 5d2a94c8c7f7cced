-- Grain: one row per community and idea theme (nlp/ideation): its ideas and posts, votes, distinct
-- supporters, mean sentiment, status and trend. The theme's posts are in mart_idea_posts.
-- key: community_id, theme_id
-- refresh: full
-- range: ideas 1 -
-- range: supporters 0 -
-- range: mean_sentiment -1 1
-- check: ideas <= posts | duplicates are posts but not ideas
-- check: ideas = ideas_open + ideas_planned + ideas_done + ideas_declined | every idea has one status
with posts as (
    select * from mart_idea_posts
),

-- Supporters: the posts' authors, their upvoters (and favourites, bounty starters: votes for the idea),
-- and everyone who answered or commented in their threads; persons, bots and deleted accounts left out.
supporter_accounts as (
    select p.community_id, p.theme_id, c.author_member_id as member_id
    from posts p join content c using (content_id)
    union all
    select p.community_id, p.theme_id, v.from_member_id
    from posts p join interactions v using (content_id)
    where v.kind = 'vote' and v.vote_type in ('upvote', 'favorite', 'bounty_start')
    union all
    select p.community_id, p.theme_id, r.author_member_id
    from posts p join content r on r.thread_id = p.content_id
    where r.kind in ('answer', 'comment')
),

supporters as (
    select s.community_id, s.theme_id, count(distinct m.person_id) as supporters
    from supporter_accounts s
    join members m on m.member_id = s.member_id
    join int_people pe on pe.person_id = m.person_id
    where not pe.is_bot
    group by s.community_id, s.theme_id
),

-- A theme's status is the most common status of its ideas (duplicates left out: the original carries
-- the decision); a tie goes to the status of the latest idea among the tied.
status_counts as (
    select community_id, theme_id, status, count(*) as ideas, max(created_at) as latest
    from posts
    where is_duplicate_of is null
    group by all
),

theme_status as (
    select community_id, theme_id, status
    from status_counts
    qualify row_number() over (partition by community_id, theme_id order by ideas desc, latest desc, status) = 1
),

window_edges as (
    select as_of, as_of - to_days(trend_days) as recent_start, as_of - to_days(2 * trend_days) as previous_start
    from refresh_context, param_ideation
),

totals as (
    select
        p.community_id,
        p.theme_id,
        any_value(p.theme_label) as label,
        count(*) filter (where p.is_duplicate_of is null) as ideas,
        count(*) as posts,
        count(*) filter (where p.is_duplicate_of is null and p.status = 'open') as ideas_open,
        count(*) filter (where p.is_duplicate_of is null and p.status = 'planned') as ideas_planned,
        count(*) filter (where p.is_duplicate_of is null and p.status = 'done') as ideas_done,
        count(*) filter (where p.is_duplicate_of is null and p.status = 'declined') as ideas_declined,
        coalesce(sum(p.score), 0) as score,
        sum(p.upvotes) as upvotes,
        sum(p.downvotes) as downvotes,
        sum(p.answers + p.comments) as replies,
        avg(p.sentiment) as mean_sentiment,
        count(p.sentiment) as posts_with_sentiment,
        -- trend: idea posts (duplicates included: a repeat is demand too) in the two windows before as_of
        count(*) filter (where p.created_at > w.recent_start and p.created_at <= w.as_of) as recent_posts,
        count(*) filter (where p.created_at > w.previous_start and p.created_at <= w.recent_start) as previous_posts,
        min(p.created_at) as first_post_at,
        max(p.created_at) as last_post_at
    from posts p, window_edges w
    group by p.community_id, p.theme_id
),

final as (
    select
        t.community_id,
        t.theme_id,
        t.label,
        th.terms,
        t.ideas,
        t.posts,
        ts.status,
        t.ideas_open,
        t.ideas_planned,
        t.ideas_done,
        t.ideas_declined,
        t.score,
        t.upvotes,
        t.downvotes,
        t.replies,
        coalesce(s.supporters, 0) as supporters,
        t.mean_sentiment,
        t.posts_with_sentiment,
        t.recent_posts,
        t.previous_posts,
        case when t.recent_posts = 0 and t.previous_posts = 0 then 'quiet'
             when t.previous_posts = 0 then 'new'
             when t.recent_posts > t.previous_posts then 'rising'
             when t.recent_posts < t.previous_posts then 'falling'
             else 'steady' end as trend,
        t.first_post_at::date as first_day,
        t.last_post_at::date as last_day
    from totals t
    join idea_themes th using (community_id, theme_id)
    join theme_status ts using (community_id, theme_id)
    left join supporters s using (community_id, theme_id)
)

select * from final
