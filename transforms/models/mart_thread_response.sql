-- Grain: one row per question. First response = earliest answer or comment in the thread by someone
-- other than the asker and not a bot; only answers make a question answered.
-- key: thread_id
-- refresh: daily
-- range: hours_to_first_response 0 -
-- check: is_unanswered = (answers = 0) | a question is unanswered exactly when it has no answers
with questions as (
    select a.*, c.title, c.tags, c.accepted_answer_id
    from int_content_activity a
    join content c using (content_id)
    where a.kind = 'question'
      and a.created_at >= (select min(day) from refresh_days)  -- only the days being recomputed (all on a full build)
),

responses as (
    select r.thread_id, r.content_id, r.kind, r.author_member_id, r.created_at
    from int_content_activity r
    join questions q on q.content_id = r.thread_id
    where r.kind in ('answer', 'comment')
      and not r.author_is_bot
      -- a deleted account (null author) is someone other than the asker
      and (r.author_member_id is null or r.author_member_id is distinct from q.author_member_id)
      -- imported or migrated posts can predate their question; they are not responses to it
      and r.created_at >= q.created_at
      and r.created_at >= (select min(day) from refresh_days)  -- implied by the line above: lets the scan skip
),

first_response as (
    select thread_id, created_at, author_member_id, kind
    from responses
    qualify row_number() over (partition by thread_id order by created_at, content_id) = 1
),

answers_by_others as (
    select thread_id, count(*) as answers
    from responses
    where kind = 'answer'
    group by thread_id
),

final as (
    select
        q.community_id,
        q.content_id as thread_id,
        q.title,
        q.created_at as asked_at,
        q.day as asked_day,
        q.day,  -- the partition a refresh recomputes: the day the question was asked
        q.author_member_id as asker_member_id,
        coalesce(q.tags, []::varchar[]) as group_names,
        fr.created_at as first_response_at,
        fr.author_member_id as first_responder_member_id,
        fr.kind as first_response_kind,
        date_diff('second', q.created_at, fr.created_at) / 3600.0 as hours_to_first_response,
        coalesce(abo.answers, 0) as answers,
        coalesce(abo.answers, 0) = 0 as is_unanswered,
        q.accepted_answer_id is not null as has_accepted_answer
    from questions q
    left join first_response fr on fr.thread_id = q.content_id
    left join answers_by_others abo on abo.thread_id = q.content_id
)

select * from final
