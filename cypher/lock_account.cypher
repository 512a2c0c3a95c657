// Timestamps are ISO text in UTC to the second, which sorts as time does: a lock never shortens.
MATCH (a:Account {login_key: $login_key})
WHERE a.locked_until IS NULL OR a.locked_until < $until
SET a.locked_until = $until
