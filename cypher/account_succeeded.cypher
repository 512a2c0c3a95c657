MATCH (a:Account {login_key: $login_key})
WHERE a.failures > 0 OR a.locked_until IS NOT NULL
SET a.failures = 0, a.locked_until = null
