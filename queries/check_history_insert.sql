-- One result of a `top10 check` run: pipeline, check, status, run time,
-- details (JSON text), severity, event date (NULL for warehouse-wide checks).
INSERT INTO pipeline_health VALUES (
    CAST($1 AS VARCHAR), CAST($2 AS VARCHAR), CAST($3 AS VARCHAR), CAST($4 AS TIMESTAMP),
    CAST($5 AS VARCHAR), CAST($6 AS VARCHAR), CAST($7 AS DATE)
);
