-- With the default engine, build_versions.sql reads only the candidates
-- the Rust pass kept aside (pipeline/scan.rs): `raw` becomes them, with
-- the identity lineage shows, as build_load_raw.sql defines it over every
-- landing row; and `contested` holds the hashes of the event ids among
-- them delivered more than once (every version of such an id is a
-- candidate), as build_event_hashes.sql finds them for the sql engine.
CREATE OR REPLACE TEMP VIEW raw AS
SELECT r.*, f.dt, f.name AS src_file
FROM candidates r
JOIN landing_files f ON f.id = r.file_id;

INSERT INTO contested
SELECT hash(event_id) FROM candidates
WHERE event_id IS NOT NULL
GROUP BY event_id
HAVING count(*) > 1;
