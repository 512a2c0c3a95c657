// Empties the database, in batches: for tests and for a fresh demo store only.
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS
