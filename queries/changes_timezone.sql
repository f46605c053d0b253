-- The IANA time zone of a country ($1), for its publication deadline.
SELECT timezone FROM dim_geo WHERE country = CAST($1 AS VARCHAR);
