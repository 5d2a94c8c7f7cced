-- Grain: one row per community, topic ('' = the whole community) and person in that topic's interaction
-- graph (int_influence_edges): their PageRank in the graph, reach, what they post on the topic and how
-- it sounds, an influence score and a label (advocate, detractor, influencer, neutral). The export list.
-- Full refresh: PageRank is global (one new edge moves every score in its graph), so no day partition
-- can be recomputed alone; the graph has one node per person, far fewer than content items.
-- key: community_id, topic, member_id
-- refresh: full
-- range: pagerank 0 1
-- range: pagerank_percentile 0 1
-- range: reach_percentile 0 1
-- range: influence_score 0 1
-- range: mean_sentiment -1 1
-- range: rank 1 -
-- range: in_degree_weighted 0 -
-- check: label in ('advocate', 'detractor', 'influencer', 'neutral') | every person gets one of the four labels
-- check: posts_with_sentiment <= posts_on_topic | sentiment is read from the person's own posts on the topic
with nodes as (
    select community_id, topic, from_member_id as member_id from int_influence_edges
    union
    select community_id, topic, to_member_id from int_influence_edges
),

out_weights as (
    select community_id, topic, from_member_id as member_id, sum(weight) as out_weight
    from int_influence_edges group by all
),

-- Ranks and percentiles order by the rank rounded to 12 decimals: the last bits of a sum depend on the
-- order the engine adds in, and must not reorder tied people from one build to the next.
pageranks as (
    -- PageRank by power iteration over each graph (int_influence_pagerank.py: a sparse matrix product per step)
    select community_id, topic, member_id, pagerank, round(pagerank, 12) as pagerank_order from int_influence_pagerank
),

degrees as (
    select n.community_id, n.topic, n.member_id,
           coalesce(i.in_weight, 0) as in_degree_weighted, coalesce(o.out_weight, 0) as out_degree_weighted
    from nodes n
    left join (select community_id, topic, to_member_id as member_id, sum(weight) as in_weight
               from int_influence_edges group by all) i using (community_id, topic, member_id)
    left join out_weights o using (community_id, topic, member_id)
),

people as (
    -- the person's name from their own account; reach: the most followers of any of their accounts
    select
        m.community_id,
        m.person_id as member_id,
        max(m.display_name) filter (where m.member_id = m.person_id) as display_name,
        coalesce(max(m.handle) filter (where m.member_id = m.person_id), min(m.handle)) as handle,
        max(m.followers_count) as followers
    from members m
    group by all
),

current_enrichment as (
    select e.content_id, e.language, e.sentiment, e.topics
    from int_current_enrichment e
),

posts as (
    -- what a person wrote: site furniture and retweets (someone else's words) are not their posts
    select c.community_id, m.person_id as member_id, c.content_id, e.language, e.sentiment, e.topics
    from content c
    join members m on m.member_id = c.author_member_id
    left join current_enrichment e on e.content_id = c.content_id
    where c.kind not in ('tag_wiki', 'tag_wiki_excerpt', 'moderator_nomination', 'retweet')
),

posts_by_topic as (
    select community_id, member_id, '' as topic, language, sentiment from posts
    union all
    select community_id, member_id, unnest(list_distinct(topics)) as topic, language, sentiment from posts
),

post_sentiment as (
    select
        community_id, topic, member_id,
        count(*) as posts_on_topic,
        -- sentiment is measured on English and undetermined-language text only
        count(sentiment) filter (where language in ('en', 'und')) as posts_with_sentiment,
        avg(sentiment) filter (where language in ('en', 'und')) as mean_sentiment
    from posts_by_topic
    group by all
),

scored as (
    select
        r.community_id, r.topic, r.member_id, p.display_name, p.handle,
        r.pagerank,
        rank() over (partition by r.community_id, r.topic order by r.pagerank_order desc) as rank,
        percent_rank() over (partition by r.community_id, r.topic order by r.pagerank_order) as pagerank_percentile,
        d.in_degree_weighted, d.out_degree_weighted,
        p.followers,
        case when p.followers is not null then
            percent_rank() over (partition by r.community_id, r.topic, p.followers is null order by p.followers)
        end as reach_percentile,
        coalesce(s.posts_on_topic, 0) as posts_on_topic,
        coalesce(s.posts_with_sentiment, 0) as posts_with_sentiment,
        s.mean_sentiment
    from pageranks r
    join degrees d using (community_id, topic, member_id)
    left join people p using (community_id, member_id)
    left join post_sentiment s using (community_id, topic, member_id)
),

influence as (
    select
        s.*,
        -- reach counts only where a source reports followers; otherwise PageRank alone decides
        case when s.reach_percentile is null then s.pagerank_percentile
             else (1 - p.reach_weight) * s.pagerank_percentile + p.reach_weight * s.reach_percentile
        end as influence_score,
        p.influential_score, p.sentiment_threshold, p.minimum_posts
    from scored s
    cross join param_influence p
),

final as (
    select
        community_id, topic, member_id, display_name, handle,
        pagerank, rank, pagerank_percentile, in_degree_weighted, out_degree_weighted,
        followers, reach_percentile, influence_score,
        posts_on_topic, posts_with_sentiment, mean_sentiment,
        case
            when influence_score < influential_score then 'neutral'
            when posts_with_sentiment >= minimum_posts and mean_sentiment >= sentiment_threshold then 'advocate'
            when posts_with_sentiment >= minimum_posts and mean_sentiment <= -sentiment_threshold then 'detractor'
            else 'influencer'
        end as label
    from influence
)

select * from final
