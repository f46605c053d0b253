-- Every value of a dimension file ($1) decoded, one row out: DuckDB refuses
-- a damaged page or invalid UTF-8 here, before the file is kept as the
-- snapshot as it is (pipeline/dimensions.rs), rather than in a later reader.
SELECT max(hash(COLUMNS(*))) FROM read_parquet($1)
