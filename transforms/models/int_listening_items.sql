-- Grain: one row per content item the community wrote (listening items), with its channel, UTC day and
-- its current enrichment: the row for the item's current text (text_hash) enriched last (latest
-- enriched_at, then the highest pipeline_version), the same rule emerging topics use. SQL cannot know
-- the running pipeline's version; until the new version has reached an item its last enrichment stands,
-- so an item is never dropped while re-enrichment is under way.
-- Left out: site furniture (tag wikis, moderator nominations), the ticket row (its text is its first
-- message, counted as a ticket_message), and posts by bots and staff or agents: listening is what
-- members say, not what the team or automation says.
-- sentiment_status: scored (English or undetermined, with a score), other_language (counted as volume,
-- left out of sentiment), not_enriched (no enrichment of the current text yet), not_analysable (the
-- enrichment recorded an error, e.g. no text).
-- A view: it only selects and joins, and each mart reads it pruned to the days it recomputes.
-- materialize: view
with current_enrichment as (
    select * from int_current_enrichment
),

items as (
    select c.*
    from content c
    left join members m on m.member_id = c.author_member_id
    where c.kind not in ('tag_wiki', 'tag_wiki_excerpt', 'moderator_nomination', 'ticket')
      and not coalesce(m.is_bot, false)
      and not coalesce(m.is_staff, false)
),

final as (
    select
        i.content_id,
        i.community_id,
        coalesce(i.channel, 'forum') as channel,
        i.kind,
        i.created_at,
        i.created_at::date as day,
        concat_ws(' ', i.title, i.body_text) as text,
        e.pipeline_version,
        e.language,
        case
            when e.content_id is null then 'not_enriched'
            when e.error is not null then 'not_analysable'
            when e.sentiment is not null then 'scored'
            when e.language is not null and e.language not in ('en', 'und') then 'other_language'
            else 'not_analysable'
        end as sentiment_status,
        e.sentiment,
        e.sentiment_label,
        coalesce(e.topics, []::varchar[]) as topics,
        e.learned_topic,
        e.intent,
        coalesce(e.entities, []) as entities
    from items i
    left join current_enrichment e on e.content_id = i.content_id
)

select * from final
