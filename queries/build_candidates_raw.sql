-- build_versions.sql reads `raw`: with the default engine, only the
-- candidates the one pass kept aside (pipeline/scan.rs), with the identity
-- lineage shows, as build_load_raw.sql defines it over every landing row.
CREATE OR REPLACE TEMP VIEW raw AS
SELECT r.*, f.dt, f.name AS src_file
FROM candidates r
JOIN landing_files f ON f.id = r.file_id;
