-- Failures the DAGs record (their failure callbacks), for the data-quality page and for on-call.
create table pipeline_failures (
    dag_id      varchar not null,
    task_id     varchar not null,
    run_id      varchar not null,
    try_number  integer not null,
    failed_at   timestamp not null,
    error       varchar,
    primary key (dag_id, task_id, run_id, try_number)
);
