-- One deadline: $1 event date, $2 country, $3 UTC deadline.
INSERT INTO check_deadlines VALUES (CAST($1 AS DATE), CAST($2 AS VARCHAR), CAST($3 AS TIMESTAMP));
