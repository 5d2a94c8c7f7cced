-- Grain: one row per conversation someone waits on an answer for, on every channel: a forum question,
-- a support ticket (help desk or customer care on X), a social thread started by a member of the public.
-- First response = the earliest reply by someone other than the author (persons, not accounts) and not
-- a bot; a conversation is answered by an answer (forum), an agent's reply (support) or any reply (social).
-- key: conversation_id
-- refresh: daily
-- range: hours_to_first_response 0 -
-- range: hours_to_answer 0 -
-- check: is_unanswered = (answered_at is null) | a conversation is unanswered exactly when nothing answered it
-- check: first_response_at is null or answered_at is null or first_response_at <= answered_at | an answer is a response, so the first response comes no later
-- check: responder_type is null or responder_type in ('member', 'staff', 'agent') | who responded is a member, staff or a help-desk agent
-- check: is_resolved = (resolved_at is not null) or channel = 'support' | on forums a conversation is resolved when an answer was accepted
with accounts as (
    select
        m.member_id,
        coalesce(m.person_id, m.member_id) as person_id,
        m.is_bot,
        m.is_staff
    from members m
),

forum_questions as (
    select
        q.community_id, 'forum' as channel, q.content_id as conversation_id, 'question' as kind,
        q.created_at as started_at, q.created_at as opened_at,
        coalesce(a.person_id, q.author_member_id) as author, q.accepted_answer_id
    from content q
    left join accounts a on a.member_id = q.author_member_id
    where q.kind = 'question'
      and q.created_at >= (select min(day) from refresh_days)  -- only the days being recomputed (all on a full build)
),

-- An accepted answer resolves its question when it was accepted (the accept vote), else when posted;
-- Stack Exchange dates votes to the day, so an accept is never before its answer.
forum_resolutions as (
    select
        q.conversation_id,
        greatest(ans.created_at, coalesce(acc.accepted_at, ans.created_at)) as resolved_at
    from forum_questions q
    join content ans on ans.content_id = q.accepted_answer_id
    left join (select content_id, min(occurred_at) as accepted_at
               from interactions where kind = 'accept' group by content_id) acc
        on acc.content_id = q.accepted_answer_id
),

-- A ticket starts with the requester's first message (a conversation on X the export caught after the
-- brand's reply still starts with the customer's first tweet), else when the help desk opened it. The
-- ticket's own content row is dated when the ticket opened, whoever wrote first: it is not a message.
ticket_starts as (
    select c.thread_id as ticket_id, min(c.created_at) as first_message_at
    from content c
    join tickets t on t.ticket_id = c.thread_id
    left join accounts a on a.member_id = c.author_member_id
    join accounts r on r.member_id = t.requester_member_id
    where c.kind = 'ticket_message'
      and a.person_id = r.person_id
      and t.created_at >= (select min(day) from refresh_days)
    group by c.thread_id
),

support_tickets as (
    select
        t.community_id, 'support' as channel, t.ticket_id as conversation_id, 'ticket' as kind,
        coalesce(ts.first_message_at, t.created_at) as started_at, t.created_at as opened_at,
        coalesce(r.person_id, t.requester_member_id) as author,
        t.status in ('solved', 'closed') as is_resolved,
        case when t.status in ('solved', 'closed') then coalesce(t.solved_at, t.updated_at) end as resolved_at
    from tickets t
    left join ticket_starts ts on ts.ticket_id = t.ticket_id
    left join accounts r on r.member_id = t.requester_member_id
    where t.created_at >= (select min(day) from refresh_days)
),

-- Social: a thread started by someone who is not the brand's own account (staff) or a bot. A brand's
-- broadcast is not a request; a member's post waits on the brand or the community to reply.
social_threads as (
    select
        c.community_id, 'social' as channel, c.content_id as conversation_id, c.kind,
        c.created_at as started_at, c.created_at as opened_at,
        coalesce(a.person_id, c.author_member_id) as author
    from content c
    left join accounts a on a.member_id = c.author_member_id
    where c.channel = 'social'
      and c.created_at >= (select min(day) from refresh_days)
      and c.content_id = c.thread_id
      and c.kind <> 'retweet'
      and not coalesce(a.is_staff, false)
      and not coalesce(a.is_bot, false)
),

conversations as (
    select community_id, channel, conversation_id, kind, started_at, opened_at, author from forum_questions
    union all
    select community_id, channel, conversation_id, kind, started_at, opened_at, author from support_tickets
    union all
    select community_id, channel, conversation_id, kind, started_at, opened_at, author from social_threads
),

-- Every reply in a conversation by someone else than its author, not a bot, not a help desk's private
-- note, not older than the conversation (imported posts can predate their question).
responses as (
    select
        conv.conversation_id,
        r.content_id,
        r.created_at,
        a.person_id as responder_member_id,
        case when coalesce(a.is_staff, false) and conv.channel = 'support' then 'agent'
             when coalesce(a.is_staff, false) then 'staff'
             else 'member' end as responder_type,
        case conv.channel
            when 'forum' then r.kind = 'answer'
            when 'support' then coalesce(a.is_staff, false)
            else true end as answers_it
    from conversations conv
    join content r on r.thread_id = conv.conversation_id and r.content_id <> conv.conversation_id
    left join accounts a on a.member_id = r.author_member_id
    where r.kind in ('answer', 'comment', 'ticket_message', 'reply', 'quote', 'tweet', 'post')
      and not coalesce(a.is_bot, false)
      -- a deleted account (no author) is someone other than the author
      and (a.person_id is null or a.person_id is distinct from conv.author)
      and coalesce((r.metrics->>'public')::boolean, true)
      and r.created_at >= conv.started_at
),

first_response as (
    select conversation_id, created_at, responder_member_id, responder_type
    from responses
    qualify row_number() over (partition by conversation_id order by created_at, content_id) = 1
),

first_answer as (
    select conversation_id, min(created_at) as answered_at
    from responses
    where answers_it
    group by conversation_id
),

final as (
    select
        conv.community_id,
        conv.channel,
        conv.conversation_id,
        conv.kind,
        conv.started_at,
        -- the partition a refresh recomputes: the day the thread or ticket was opened (loads mark that day
        -- for every later message); a ticket on X can open with a brand tweet before the customer's
        conv.opened_at::date as day,
        conv.author,
        fr.created_at as first_response_at,
        fr.responder_member_id,
        fr.responder_type,
        date_diff('millisecond', conv.started_at, fr.created_at) / 3600000.0 as hours_to_first_response,
        fa.answered_at,
        date_diff('millisecond', conv.started_at, fa.answered_at) / 3600000.0 as hours_to_answer,
        fa.answered_at is null as is_unanswered,
        case conv.channel
            when 'forum' then fres.resolved_at is not null
            when 'support' then coalesce(st.is_resolved, false)
            else false end as is_resolved,
        coalesce(fres.resolved_at, st.resolved_at) as resolved_at
    from conversations conv
    left join first_response fr on fr.conversation_id = conv.conversation_id
    left join first_answer fa on fa.conversation_id = conv.conversation_id
    left join forum_resolutions fres on fres.conversation_id = conv.conversation_id
    left join support_tickets st on st.conversation_id = conv.conversation_id
)

select * from final
