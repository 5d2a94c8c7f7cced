-- Grain: one row per community, person and day on which the person authored community activity on any
-- channel: the per-person active days that adoption marts (DAU/WAU/MAU, conversion, retention) count.
-- Activity kinds: forum question, answer, comment, topic, reply; social post, tweet, reply, quote,
-- retweet; support ticket and ticket message. Site furniture (tag wikis, moderator nominations, small
-- actions) is not activity. Accounts flagged as bots are left out; accounts count as their person.
-- replies_to_others counts the answers, comments, replies, quotes and ticket replies that day whose
-- recipient (the author of what they answer) is another person who is not a bot, or a deleted account.
-- key: community_id, day, member_id
-- refresh: daily
-- range: contributions 1 -
-- range: replies_to_others 0 -
with contributions as (
    select
        c.community_id,
        c.created_at::date as day,
        coalesce(m.person_id, m.member_id) as member_id,
        count(*) as contributions
    from content c
    join members m on m.member_id = c.author_member_id
    where c.kind in ('question', 'answer', 'comment', 'topic', 'reply',
                     'post', 'tweet', 'quote', 'retweet',
                     'ticket', 'ticket_message')
      and not m.is_bot
      -- only the days being recomputed (every day on a full build)
      and c.created_at >= (select min(day) from refresh_days)
    group by all
),

-- Interactions carry the recipient as the source reported it, on the reply's own day, so a reply's
-- row never depends on when the post it answers was loaded.
replies as (
    select
        i.community_id,
        i.occurred_at::date as day,
        coalesce(f.person_id, f.member_id) as member_id,
        count(*) as replies_to_others
    from interactions i
    join members f on f.member_id = i.from_member_id
    left join members t on t.member_id = i.to_member_id
    where i.kind in ('answer', 'comment', 'reply', 'quote', 'ticket_reply')
      and not f.is_bot
      and (i.to_member_id is null  -- a deleted account is someone else, as in mart_thread_response
           or (coalesce(t.person_id, i.to_member_id) <> coalesce(f.person_id, f.member_id)
               and not coalesce(t.is_bot, false)))
      and i.occurred_at >= (select min(day) from refresh_days)
    group by all
),

final as (
    select
        c.community_id,
        c.day,
        c.member_id,
        c.contributions,
        coalesce(r.replies_to_others, 0) as replies_to_others
    from contributions c
    left join replies r using (community_id, day, member_id)
)

select * from final
