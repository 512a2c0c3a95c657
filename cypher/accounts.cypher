MATCH (a:Account)
RETURN a.login_key AS login_key, a.login AS login, a.name AS name, a.role AS role,
       a.regions AS regions, a.enterprise AS enterprise, a.password_hash AS password_hash,
       a.created_at AS created_at, a.disabled_at AS disabled_at, a.failures AS failures,
       a.last_failure_at AS last_failure_at, a.locked_until AS locked_until,
       coalesce(a.must_change, false) AS must_change
ORDER BY login_key
