// Counts a failed login. Setting a property first takes the node's write lock, so the count is
// read under it and two failures at once both count; for an unknown login nothing matches.
MATCH (a:Account {login_key: $login_key})
SET a._counting = true
WITH a
SET a.failures = coalesce(a.failures, 0) + 1, a.last_failure_at = $when
REMOVE a._counting
RETURN a.failures AS failures
