-- Every quality-gate outcome: which rule, on which table, how many rows failed, examples.
create table quality_results (
    checked_at   timestamp not null,
    gate         varchar not null,      -- staging (a batch before its merge), core, marts
    run_id       varchar,               -- batch id or pipeline run
    suite        varchar not null,
    table_name   varchar not null,
    rule         varchar not null,
    severity     varchar not null,      -- critical stops the pipeline, warning is reported
    success      boolean not null,
    rows_checked bigint not null,
    failing_rows bigint not null,
    examples     varchar
);
