// A new account, unless its login is taken (the constraint on login_key makes MERGE safe when
// two are made at once). The salted hash is new to the world, so it is the stored one only when
// this statement created the node.
MERGE (a:Account {login_key: $login_key})
ON CREATE SET
  a.login = $login, a.name = $name, a.role = $role, a.regions = $regions,
  a.enterprise = $enterprise, a.password_hash = $password_hash, a.created_at = $created_at,
  a.disabled_at = $disabled_at, a.failures = $failures, a.last_failure_at = $last_failure_at,
  a.locked_until = $locked_until, a.must_change = $must_change
RETURN a.password_hash = $password_hash AS created
