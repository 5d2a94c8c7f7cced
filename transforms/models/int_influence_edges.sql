-- Grain: one row per community, topic and ordered pair of persons (from -> to): the weighted interaction
-- graph the influencer scores walk. An interaction (reply, mention, retweet, quote, answer, comment,
-- accept, a vote whose voter is known, ...) is an edge from the person who acted to the person acted on,
-- weighted by [marts.influence.weights] for its kind (a vote by its vote type). topic '' is the whole
-- community; a taxonomy topic keeps the interactions whose carrying content (the reply, the retweet,
-- the comment; for a vote, the content voted on) is on that topic in its current enrichment.
-- Accounts become persons (identity resolution); bots, unknown actors and self loops are left out.
-- key: community_id, topic, from_member_id, to_member_id
-- refresh: full
-- range: weight 0 -
-- range: interactions 1 -
-- check: from_member_id <> to_member_id | nobody endorses themselves
with weighted as (
    select
        i.community_id,
        coalesce(i.via_content_id, i.content_id) as carrier_id,
        i.from_member_id,
        i.to_member_id,
        w.weight
    from interactions i
    join param_influence_weights w on w.kind = case when i.kind = 'vote' then i.vote_type else i.kind end
    where i.from_member_id is not null and i.to_member_id is not null
),

persons as (
    -- account -> person, and whether the person is a bot (a person is a bot when all their accounts are)
    select m.member_id, m.person_id, p.is_bot
    from members m
    join int_people p on p.community_id = m.community_id and p.person_id = m.person_id
),

person_edges as (
    select w.community_id, w.carrier_id, f.person_id as from_member_id, t.person_id as to_member_id, w.weight
    from weighted w
    join persons f on f.member_id = w.from_member_id
    join persons t on t.member_id = w.to_member_id
    where not f.is_bot and not t.is_bot and f.person_id <> t.person_id
),

current_enrichment as (
    -- the enrichment of the content's current text, latest run first
    select e.content_id, e.topics
    from int_current_enrichment e
),

carrier_topics as (
    select distinct content_id, unnest(topics) as topic
    from current_enrichment
    where len(topics) > 0
),

on_topic as (
    select community_id, '' as topic, from_member_id, to_member_id, weight from person_edges
    union all
    select e.community_id, t.topic, e.from_member_id, e.to_member_id, e.weight
    from person_edges e
    join carrier_topics t on t.content_id = e.carrier_id
),

final as (
    select community_id, topic, from_member_id, to_member_id, sum(weight) as weight, count(*) as interactions
    from on_topic
    group by all
)

select * from final
