-- Manifest counts after loading: every raw row read.
SELECT count(*) AS raw_rows_read FROM landing_rows;
