-- The pipeline_health rows of one `top10 check` run (case study §6, plus the
-- severity and the event date each result is about). details holds JSON text.
CREATE TEMP TABLE pipeline_health (
    pipeline_name VARCHAR,
    check_name    VARCHAR,
    status        VARCHAR,
    check_ts      TIMESTAMP,
    details       VARCHAR,
    severity      VARCHAR,
    event_date    DATE
);
