// A disabled account enabled again: its failed logins and lock cleared (those made while it was
// disabled must not lock it at once); the time of the last failure stays.
MATCH (a:Account {login_key: $login_key})
WHERE a.disabled_at IS NOT NULL
SET a.disabled_at = null, a.failures = 0, a.locked_until = null
RETURN count(a) AS enabled
