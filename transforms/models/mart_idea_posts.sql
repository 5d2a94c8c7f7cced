-- Grain: one row per idea post (nlp/ideation: a thread-starting post with an idea tag or the intent
-- "idea"), with its theme, status, votes and sentiment: the drill-down behind mart_idea_themes.
-- key: content_id
-- refresh: full
-- range: upvotes 0 -
-- range: downvotes 0 -
-- range: sentiment -1 1
-- check: (is_duplicate_of is null) = (duplicate_reason is null) | a duplicate says why it is one
with items as (
    select i.*, t.label as theme_label
    from idea_theme_items i
    join idea_themes t using (community_id, theme_id)
),

-- The status tags an idea carries; with several, the most final wins (done, declined, planned).
status_of as (
    select c.content_id, p.status, p.tag
    from items i
    join content c using (content_id)
    join param_ideation_status_tags p on list_contains(list_transform(coalesce(c.tags, []::varchar[]), lambda t: lower(t)), p.tag)
    qualify row_number() over (
        partition by c.content_id
        order by case p.status when 'done' then 1 when 'declined' then 2 when 'planned' then 3 else 4 end, p.tag) = 1
),

votes as (
    select v.content_id,
           count(*) filter (where v.vote_type = 'upvote') as upvotes,
           count(*) filter (where v.vote_type = 'downvote') as downvotes
    from interactions v
    join items i using (content_id)
    where v.kind = 'vote'
    group by v.content_id
),

-- The latest enrichment of the post's current text.
sentiment as (
    select e.content_id, e.sentiment, e.sentiment_label
    from int_current_enrichment e
    join items i on i.content_id = e.content_id
),

replies as (
    select r.thread_id as content_id,
           count(*) filter (where r.kind = 'answer') as answers,
           count(*) filter (where r.kind = 'comment') as comments
    from content r
    join items i on i.content_id = r.thread_id
    where r.content_id <> r.thread_id and r.kind in ('answer', 'comment')
    group by r.thread_id
),

final as (
    select
        i.community_id,
        i.content_id,
        i.theme_id,
        i.theme_label,
        c.title,
        c.url,
        c.kind,
        coalesce(m.person_id, c.author_member_id) as author_member_id,
        c.created_at,
        c.created_at::date as day,
        i.found_by,
        i.is_duplicate_of,
        i.duplicate_reason,
        i.similarity,
        coalesce(s.status, 'open') as status,
        s.tag as status_tag,
        c.closed_at,
        c.score,
        coalesce(v.upvotes, 0) as upvotes,
        coalesce(v.downvotes, 0) as downvotes,
        coalesce(r.answers, 0) as answers,
        coalesce(r.comments, 0) as comments,
        se.sentiment,
        se.sentiment_label
    from items i
    join content c using (content_id)
    left join members m on m.member_id = c.author_member_id
    left join status_of s using (content_id)
    left join votes v using (content_id)
    left join sentiment se using (content_id)
    left join replies r using (content_id)
)

select * from final
