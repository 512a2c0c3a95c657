MATCH (a:Account {login_key: $login_key})
WHERE a.disabled_at IS NULL
SET a.disabled_at = $when
RETURN count(a) AS disabled
