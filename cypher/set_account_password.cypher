// A new password clears the failed logins and the lock; must_change marks a one-time password
// (a password someone else set, which the person must change at the next login).
MATCH (a:Account {login_key: $login_key})
SET a.password_hash = $password_hash, a.must_change = $must_change, a.failures = 0,
    a.locked_until = null
RETURN count(a) AS changed
