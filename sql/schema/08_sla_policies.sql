-- source / priority '*' match anything; the most specific matching row wins (see stg_cases).
create table if not exists sla_policies (
    source                varchar not null,
    priority              varchar not null,
    first_response_hours  double not null,
    resolution_hours      double not null
);
