// A new password clears the failed logins and the lock.
MATCH (a:Account {login_key: $login_key})
SET a.password_hash = $password_hash, a.failures = 0, a.locked_until = null
RETURN count(a) AS changed
