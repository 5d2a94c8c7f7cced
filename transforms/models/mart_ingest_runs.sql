-- Grain: one row per landing batch and source file (or page, endpoint): the run log a data engineer
-- and the dashboard's data-quality view read. Every record read was loaded or quarantined.
-- key: batch_id, source_file
-- refresh: full
-- check: records_read = records_loaded + records_quarantined | every record read was loaded or quarantined
with quarantine_reasons as (
    select batch_id, community_id, source, source_file,
           -- the most frequent reasons, for a first look without opening the quarantine
           string_agg(reason, ' | ' order by n desc, reason) filter (where rank <= 3) as top_reasons
    from (
        select batch_id, community_id, source, source_file, reason, count(*) as n,
               row_number() over (partition by batch_id, community_id, source, source_file
                                  order by count(*) desc, reason) as rank
        from quarantine
        group by batch_id, community_id, source, source_file, reason
    )
    group by all
),

final as (
    select
        r.batch_id,
        r.community_id,
        r.source as namespace,
        s.kind,
        s.channel,
        r.source_file,
        r.entity,
        r.status,
        r.records_read,
        r.records_loaded,
        r.records_quarantined,
        r.message,
        q.top_reasons,
        r.started_at,
        r.finished_at
    from ingest_runs r
    left join sources s on s.community_id = r.community_id and s.namespace = r.source
    left join quarantine_reasons q
        on q.batch_id = r.batch_id and q.community_id = r.community_id and q.source = r.source
       and q.source_file = r.source_file
)

select * from final
