-- Grain: one row per community and customer with tickets, open tickets or messages in the window that ends
-- at as_of ([marts.customer_health] window_days, default 60) or in the window before it. A customer is the
-- ticket's organization, else the requester (the person). Status green / yellow / red by the configured
-- rules, with the reason in words, and the previous window's status.
-- key: community_id, customer_id
-- refresh: full
-- range: tickets 0 -
-- range: open_tickets 0 -
-- range: satisfaction 0 1
-- range: sentiment -1 1
-- check: status in ('green', 'yellow', 'red') | every customer has a status
-- check: rated_tickets <= tickets | only the window's tickets are rated
with windows as (
    -- the window ending at as_of, and the one of the same length just before it
    select 'current' as which, as_of - to_days(window_days) as window_start, as_of as window_end
    from param_customer_health, refresh_context
    union all
    select 'previous', as_of - to_days(2 * window_days), as_of - to_days(window_days)
    from param_customer_health, refresh_context
),

-- An organization a staff account belongs to is the company answering (a brand on X), not a customer.
staff_organizations as (
    select distinct community_id, organization
    from members
    where is_staff and organization is not null
),

ticket_customers as (
    select
        t.ticket_id, t.community_id, t.created_at, t.status, t.solved_at, t.updated_at, t.satisfaction,
        case when t.organization is not null and so.organization is null
             then t.community_id || '/organization/' || t.organization
             else coalesce(r.person_id, t.requester_member_id) end as customer_id,
        case when t.organization is not null and so.organization is null then 'organization' else 'person' end
            as customer_kind,
        case when t.organization is not null and so.organization is null then t.organization end as organization
    from tickets t
    left join members r on r.member_id = t.requester_member_id
    left join staff_organizations so on so.community_id = t.community_id and so.organization = t.organization
),

customers as (
    select tc.community_id, tc.customer_id, any_value(tc.customer_kind) as customer_kind,
           coalesce(any_value(tc.organization), any_value(p.display_name)) as customer_name
    from ticket_customers tc
    left join members p on p.member_id = tc.customer_id
    where tc.customer_id is not null
    group by tc.community_id, tc.customer_id
),

-- The latest enrichment of an item's current text; sentiment is scored for English and undetermined text only.
sentiments as (
    select e.content_id, e.sentiment
    from int_current_enrichment e
    join content c on c.content_id = e.content_id
    where c.kind = 'ticket_message' and e.language in ('en', 'und') and e.sentiment is not null
),

messages as (
    select tc.community_id, tc.customer_id, tc.ticket_id, m.created_at,
           -- the customer's own messages: written by someone who is neither staff nor a bot
           coalesce(not a.is_staff and not a.is_bot, false) as by_customer,
           s.sentiment
    from content m
    join ticket_customers tc on tc.ticket_id = m.thread_id
    left join members a on a.member_id = m.author_member_id
    left join sentiments s on s.content_id = m.content_id
    -- a ticket's messages include its opening one (the `ticket` row repeats it as the thread's head)
    where m.kind = 'ticket_message'
),

ticket_measures as (
    select
        w.which, tc.community_id, tc.customer_id,
        count(*) filter (where tc.created_at > w.window_start and tc.created_at <= w.window_end) as tickets,
        -- open at the window's end: created by then and not yet solved (a solved or closed ticket without a
        -- solve time counts as solved at its last update)
        count(*) filter (where tc.created_at <= w.window_end
                           and not coalesce(tc.solved_at <= w.window_end, false)
                           and not (tc.solved_at is null and tc.status in ('solved', 'closed')
                                    and coalesce(tc.updated_at, tc.created_at) <= w.window_end)) as open_tickets,
        count(*) filter (where tc.created_at > w.window_start and tc.created_at <= w.window_end
                           and tc.satisfaction in ('good', 'bad')) as rated_tickets,
        count(*) filter (where tc.created_at > w.window_start and tc.created_at <= w.window_end
                           and tc.satisfaction = 'good') as good_tickets
    from ticket_customers tc
    cross join windows w
    where tc.customer_id is not null
    group by all
),

message_measures as (
    select
        w.which, m.community_id, m.customer_id,
        -- every message of the window's tickets up to the window's end, the opening one included
        count(*) filter (where m.created_at <= w.window_end
                           and tc.created_at > w.window_start and tc.created_at <= w.window_end) as messages,
        count(*) filter (where m.by_customer and m.created_at > w.window_start and m.created_at <= w.window_end)
            as customer_messages,
        count(m.sentiment) filter (where m.by_customer and m.created_at > w.window_start
                                     and m.created_at <= w.window_end) as sentiment_messages,
        avg(m.sentiment) filter (where m.by_customer and m.created_at > w.window_start
                                   and m.created_at <= w.window_end) as sentiment
    from messages m
    join ticket_customers tc using (ticket_id)
    cross join windows w
    group by all
),

measures as (
    select
        t.which, t.community_id, t.customer_id, t.tickets, t.open_tickets,
        coalesce(mm.messages, 0) as messages,
        coalesce(mm.messages, 0) / nullif(t.tickets, 0) as messages_per_ticket,
        t.rated_tickets,
        t.good_tickets / nullif(t.rated_tickets, 0) as satisfaction,
        coalesce(mm.sentiment_messages, 0) as sentiment_messages,
        mm.sentiment,
        t.tickets > 0 or t.open_tickets > 0 or coalesce(mm.customer_messages, 0) > 0 as has_activity
    from ticket_measures t
    left join message_measures mm using (which, community_id, customer_id)
),

-- Every rule that holds, in words.
broken_rules as (
    select
        m.which, m.community_id, m.customer_id, r.status,
        case r.measure
            when 'satisfaction' then format('satisfaction {:.0f}% is below {:.0f}%', 100 * m.satisfaction, 100 * r.threshold)
            when 'sentiment' then format('sentiment of their messages {:.2f} is below {:.2f}', m.sentiment, r.threshold)
            when 'open_tickets' then format('open tickets {} is at least {:.0f}', m.open_tickets, r.threshold)
            when 'messages_per_ticket' then format('messages per ticket {:.1f} is above {:.1f}', m.messages_per_ticket, r.threshold)
        end as reason,
        case r.measure when 'satisfaction' then 1 when 'sentiment' then 2 when 'open_tickets' then 3 else 4 end as rule_order
    from measures m
    join param_customer_health_rules r
      on case r.measure
             when 'satisfaction' then m.satisfaction < r.threshold
             when 'sentiment' then m.sentiment < r.threshold
             when 'open_tickets' then m.open_tickets >= r.threshold
             when 'messages_per_ticket' then m.messages_per_ticket > r.threshold
         end
),

verdicts as (
    select
        which, community_id, customer_id,
        case when bool_or(status = 'red') then 'red' when bool_or(status = 'yellow') then 'yellow' end as status,
        -- the reasons of the decisive level: a red customer is explained by its red rules
        coalesce(string_agg(reason, '; ' order by rule_order) filter (where status = 'red'),
                 string_agg(reason, '; ' order by rule_order) filter (where status = 'yellow')) as status_reason
    from broken_rules
    group by all
),

statuses as (
    select
        m.*,
        coalesce(v.status, 'green') as status,
        coalesce(v.status_reason,
                 case when m.tickets = 0 and m.open_tickets = 0 then 'no tickets in the window'
                      else 'every measure within its thresholds' end) as status_reason
    from measures m
    left join verdicts v using (which, community_id, customer_id)
),

final as (
    select
        cur.community_id,
        cur.customer_id,
        c.customer_kind,
        c.customer_name,
        w.window_start,
        w.window_end,
        cur.tickets,
        cur.open_tickets,
        cur.messages,
        cur.messages_per_ticket,
        cur.rated_tickets,
        cur.satisfaction,
        cur.sentiment_messages,
        cur.sentiment,
        cur.status,
        cur.status_reason,
        -- the window before: null when the customer had nothing in it
        case when prev.has_activity then prev.tickets end as previous_tickets,
        case when prev.has_activity then prev.open_tickets end as previous_open_tickets,
        case when prev.has_activity then prev.satisfaction end as previous_satisfaction,
        case when prev.has_activity then prev.sentiment end as previous_sentiment,
        case when prev.has_activity then prev.status end as previous_status,
        case when not prev.has_activity then 'new'
             when cur.status = prev.status then 'same'
             when (cur.status = 'red') or (cur.status = 'yellow' and prev.status = 'green') then 'worse'
             else 'better' end as status_change
    from statuses cur
    join statuses prev on prev.which = 'previous' and prev.community_id = cur.community_id
                      and prev.customer_id = cur.customer_id
    join customers c on c.community_id = cur.community_id and c.customer_id = cur.customer_id
    cross join (select * from windows where which = 'current') w
    where cur.which = 'current' and (cur.has_activity or prev.has_activity)
)

select * from final
