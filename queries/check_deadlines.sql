-- Each country's publication deadline per checked date (UTC), computed in
-- Rust with chrono-tz and joined by check_freshness.sql.
CREATE OR REPLACE TEMP TABLE check_deadlines (
    event_date DATE,
    country    VARCHAR,
    deadline   TIMESTAMP
);
