-- Grain: one row per community, tracked brand or keyword, and day with mentions (sparse).
-- Brands are the catalogue's products and brands, mentioned when the item's enrichment lists the
-- catalogue entity (aliases resolved by the tagger); keywords ([marts.listening] keywords) are mentioned
-- when one of their terms occurs in the item's title or body as a whole word or phrase, in any case.
-- An item mentioning several brands counts once for each; a brand's several terms in one item count once.
-- Sentiment is the item's; non-English mentions count as volume and are left out of sentiment.
-- share_of_voice: the brand's mentions / the mentions of every tracked name of the same kind (brands
-- against brands, keywords against keywords) in the community that day.
-- key: community_id, brand, kind, day
-- refresh: daily
-- range: mentions 1 -
-- range: share_of_voice 0 1
-- range: net_sentiment -1 1
-- check: mentions_scored = positive + neutral + negative | every scored mention has one label
-- check: mentions_scored + mentions_other_language <= mentions | scored and other-language mentions are among the mentions
with items as (
    select * from int_listening_items
    where day between (select min(day) from refresh_days) and (select max(day) from refresh_days)
),

brand_items as (
    select b.name, b.kind, b.is_competitor, i.content_id, i.community_id, i.day,
           i.sentiment_status, i.sentiment_label, i.sentiment
    from items i
    join param_tracked_brands b
      on b.kind = 'brand'
     and list_contains(list_transform(list_filter(i.entities, lambda e: e.source = 'catalogue'), lambda e: e.name), b.term)
),

keyword_items as (
    select b.name, b.kind, b.is_competitor, i.content_id, i.community_id, i.day,
           i.sentiment_status, i.sentiment_label, i.sentiment
    from items i
    join param_tracked_brands b
      on b.kind = 'keyword'
     -- a whole word or phrase: no letter, digit or underscore right before or after it
     and regexp_matches(i.text, '(?i)(^|[^\pL\pN_])' || regexp_escape(b.term) || '([^\pL\pN_]|$)')
),

mentions as (
    select distinct * from (select * from brand_items union all select * from keyword_items)
),

daily as (
    select
        community_id,
        name as brand,
        kind,
        day,
        any_value(is_competitor) as is_competitor,
        count(*) as mentions,
        count(*) filter (where sentiment_status = 'scored') as mentions_scored,
        count(*) filter (where sentiment_status = 'other_language') as mentions_other_language,
        count(*) filter (where sentiment_status = 'scored' and sentiment_label = 'positive') as positive,
        count(*) filter (where sentiment_status = 'scored' and sentiment_label = 'neutral') as neutral,
        count(*) filter (where sentiment_status = 'scored' and sentiment_label = 'negative') as negative,
        avg(sentiment) filter (where sentiment_status = 'scored') as mean_sentiment
    from mentions
    group by community_id, name, kind, day
),

final as (
    select
        community_id,
        brand,
        kind,
        day,
        is_competitor,
        mentions,
        mentions_scored,
        mentions_other_language,
        positive,
        neutral,
        negative,
        (positive - negative) / nullif(mentions_scored, 0) as net_sentiment,
        mean_sentiment,
        mentions / sum(mentions) over (partition by community_id, kind, day) as share_of_voice
    from daily
)

select * from final
