-- Grain: one row per community, period kind ('month', 'week') and period, from the community's first to
-- its last day with data (never after as_of). The Community Health Index: six factors, each a raw measure
-- scored 0..1 as its percentile within the community's own previous periods, combined as a weighted mean
-- times 1000 ([marts.health]); and where the community stands among the others in the same period.
-- key: community_id, period_kind, period_start
-- refresh: full
-- range: health_index 0 1000
-- range: growth_score 0 1
-- range: content_score 0 1
-- range: traffic_score 0 1
-- range: responsiveness_score 0 1
-- range: interaction_score 0 1
-- range: liveliness_score 0 1
-- range: responsiveness_raw 0 1
-- range: liveliness_raw 0 1
-- range: benchmark_percentile 0 1
-- check: benchmark_rank between 1 and benchmark_communities | a community ranks among the communities compared
with settings as (
    select history_periods, minimum_history, response_hours, (select as_of from refresh_context) as as_of
    from param_health
),

-- The community's calendar (mart_members_daily: every day from the first to the last join or post), cut at as_of.
calendar as (
    select m.community_id, m.day, m.members_joined, m.active_members
    from mart_members_daily m
    where m.day <= (select as_of::date from settings)
),

day_periods as (
    select community_id, day, 'month' as period_kind, date_trunc('month', day)::date as period_start from calendar
    union all
    select community_id, day, 'week', date_trunc('week', day)::date from calendar
),

periods as (
    select community_id, period_kind, period_start, count(*) as days_in_period
    from day_periods
    group by all
),

-- Counts are taken per calendar day of the period, so a period the calendar covers only in part (the
-- community's first, the one as_of falls in, the last of a dump) compares fairly with whole ones.
-- growth: persons (not bots) who joined, per day. traffic: persons (not bots) who posted, per day (the mean
-- daily active members). Views are not traffic here: the sources give each question's lifetime views,
-- which cannot say in which period the visits happened.
growth_and_traffic as (
    select dp.community_id, dp.period_kind, dp.period_start,
           avg(c.members_joined) as growth_raw,
           avg(c.active_members) as traffic_raw
    from day_periods dp
    join calendar c using (community_id, day)
    group by all
),

-- useful content, per day: each question, answer and comment counts 1, plus ln(1 + views) where the source
-- reports views (Stack Exchange questions), so read threads weigh more without one viral thread drowning the rest.
content_weights as (
    select a.community_id, a.day, sum(1 + coalesce(ln(1 + greatest(c.views, 0)), 0)) as weight
    from int_content_activity a
    join content c using (content_id)
    where a.day <= (select as_of::date from settings)
    group by all
),

content_factor as (
    select dp.community_id, dp.period_kind, dp.period_start, sum(w.weight) / any_value(p.days_in_period) as content_raw
    from day_periods dp
    join content_weights w using (community_id, day)
    join periods p using (community_id, period_kind, period_start)
    group by all
),

-- responsiveness: share of the period's conversations (forum questions and social threads; help-desk
-- tickets are support, not community) whose first response (not the author, not a bot) came within
-- response_hours. Those started less than response_hours before as_of have not had their chance yet.
responsiveness as (
    select dp.community_id, dp.period_kind, dp.period_start,
           avg(case when t.hours_to_first_response <= s.response_hours then 1.0 else 0.0 end) as responsiveness_raw
    from day_periods dp
    join mart_first_response t on t.community_id = dp.community_id and t.day = dp.day
    cross join settings s
    where t.channel in ('forum', 'social')
      and t.started_at <= s.as_of - to_microseconds((s.response_hours * 3600e6)::bigint)
    group by all
),

-- interaction: for the threads started in the period, the mean number of distinct persons (not bots) who
-- posted in the thread (starter, answers, comments) up to as_of.
thread_participants as (
    select starter.community_id, starter.day,
           count(distinct a.author_member_id) filter (where not a.author_is_bot) as participants
    from int_content_activity starter
    join int_content_activity a on a.thread_id = starter.content_id
    where starter.content_id = starter.thread_id
      and starter.day <= (select as_of::date from settings)
      and a.day <= (select as_of::date from settings)
    group by starter.community_id, starter.content_id, starter.day
),

interaction as (
    select dp.community_id, dp.period_kind, dp.period_start, avg(tp.participants) as interaction_raw
    from day_periods dp
    join thread_participants tp using (community_id, day)
    group by all
),

-- liveliness: how evenly the period's content spreads over its days and over its groups, each as a
-- normalised entropy (Pielou evenness, 0 = all on one day / in one group, 1 = perfectly even), then averaged.
day_counts as (
    select dp.community_id, dp.period_kind, dp.period_start, cd.content_items as n
    from day_periods dp
    join mart_content_daily cd using (community_id, day)
    where cd.content_items > 0
),

group_counts as (
    select dp.community_id, dp.period_kind, dp.period_start, g.group_id, sum(g.content_items) as n
    from day_periods dp
    join mart_group_content_daily g using (community_id, day)
    where g.content_items > 0
    group by all
),

day_evenness as (
    select d.community_id, d.period_kind, d.period_start,
           -- over the period's calendar days: a one-day period has no spread to measure
           case when p.days_in_period > 1
                then -sum(d.n / t.total * ln(d.n / t.total)) / ln(p.days_in_period) end as evenness
    from day_counts d
    join (select community_id, period_kind, period_start, sum(n)::double as total
          from day_counts group by all) t using (community_id, period_kind, period_start)
    join periods p using (community_id, period_kind, period_start)
    group by d.community_id, d.period_kind, d.period_start, p.days_in_period
),

group_evenness as (
    select g.community_id, g.period_kind, g.period_start,
           case when count(*) = 1 then 0.0
                else -sum(g.n / t.total * ln(g.n / t.total)) / ln(count(*)) end as evenness
    from group_counts g
    join (select community_id, period_kind, period_start, sum(n)::double as total
          from group_counts group by all) t using (community_id, period_kind, period_start)
    group by all
),

liveliness as (
    select p.community_id, p.period_kind, p.period_start,
           case when not exists (select 1 from day_counts d
                                 where d.community_id = p.community_id and d.period_kind = p.period_kind
                                   and d.period_start = p.period_start)
                then 0.0  -- no content at all: nothing to spread
                -- the mean of the measurable halves (a source without groups is measured on days alone)
                else (coalesce(de.evenness, 0) + coalesce(ge.evenness, 0))
                     / nullif((de.evenness is not null)::int + (ge.evenness is not null)::int, 0)
           end as liveliness_raw
    from periods p
    left join day_evenness de using (community_id, period_kind, period_start)
    left join group_evenness ge using (community_id, period_kind, period_start)
),

raw as (
    select
        p.community_id, p.period_kind, p.period_start, p.days_in_period,
        row_number() over (partition by p.community_id, p.period_kind order by p.period_start) as period_number,
        gt.growth_raw::double as growth_raw,
        coalesce(c.content_raw, 0)::double as content_raw,
        gt.traffic_raw::double as traffic_raw,
        r.responsiveness_raw,  -- null: no question asked (or old enough to judge) in the period
        coalesce(i.interaction_raw, 0)::double as interaction_raw,
        l.liveliness_raw
    from periods p
    join growth_and_traffic gt using (community_id, period_kind, period_start)
    left join content_factor c using (community_id, period_kind, period_start)
    left join responsiveness r using (community_id, period_kind, period_start)
    left join interaction i using (community_id, period_kind, period_start)
    left join liveliness l using (community_id, period_kind, period_start)
),

factors as (
    select community_id, period_kind, period_start, period_number, factor, value
    from raw
    unpivot include nulls (value for factor in (growth_raw as 'growth', content_raw as 'content',
                                               traffic_raw as 'traffic', responsiveness_raw as 'responsiveness',
                                               interaction_raw as 'interaction', liveliness_raw as 'liveliness'))
),

-- score: mid-rank percentile of the period's value among the community's previous history_periods values
-- of the same factor and kind (ties count half). Fewer than minimum_history previous values, or no value:
-- 0.5, neutral. Values are compared
-- rounded to 9 decimals: the last bits of a float sum depend on the order the engine adds in, and must not
-- turn a tie into a win from one build to the next.
rounded as (
    select * replace (round(value, 9) as value) from factors
),

scores as (
    select
        f.community_id, f.period_kind, f.period_start, f.factor,
        case when count(h.value) filter (where f.value is not null) >= (select minimum_history from settings)
             then (count(*) filter (where h.value < f.value) + 0.5 * count(*) filter (where h.value = f.value))
                  / count(h.value)
             else 0.5 end as score
    from rounded f
    left join rounded h
        on h.community_id = f.community_id and h.period_kind = f.period_kind and h.factor = f.factor
       and h.period_number between f.period_number - (select history_periods from settings) and f.period_number - 1
    group by all
),

weighted as (
    select s.community_id, s.period_kind, s.period_start,
           round(1000 * sum(s.score * w.weight) / sum(w.weight), 1) as health_index,
           max(s.score) filter (where s.factor = 'growth') as growth_score,
           max(s.score) filter (where s.factor = 'content') as content_score,
           max(s.score) filter (where s.factor = 'traffic') as traffic_score,
           max(s.score) filter (where s.factor = 'responsiveness') as responsiveness_score,
           max(s.score) filter (where s.factor = 'interaction') as interaction_score,
           max(s.score) filter (where s.factor = 'liveliness') as liveliness_score
    from scores s
    join param_health_weights w using (factor)
    group by all
),

scored as (
    select r.*, w.* exclude (community_id, period_kind, period_start)
    from raw r
    join weighted w using (community_id, period_kind, period_start)
),

final as (
    select
        community_id,
        period_kind,
        period_start,
        days_in_period,
        health_index,
        lag(health_index) over (partition by community_id, period_kind order by period_start) as previous_health_index,
        health_index - lag(health_index) over (partition by community_id, period_kind order by period_start) as change,
        growth_raw, growth_score,
        content_raw, content_score,
        traffic_raw, traffic_score,
        responsiveness_raw, responsiveness_score,
        interaction_raw, interaction_score,
        liveliness_raw, liveliness_score,
        -- benchmark: 1 = the healthiest of the communities with data in the same period
        rank() over (partition by period_kind, period_start order by health_index desc) as benchmark_rank,
        count(*) over (partition by period_kind, period_start) as benchmark_communities,
        case when count(*) over (partition by period_kind, period_start) > 1
             then percent_rank() over (partition by period_kind, period_start order by health_index) end
            as benchmark_percentile
    from scored
)

select * from final
