MATCH (t:ApiToken {digest: $digest})
WHERE t.revoked_at IS NULL
RETURN t.token_id AS token_id, t.name AS name, t.role AS role, t.regions AS regions,
       t.enterprise AS enterprise, t.digest AS digest, t.created_at AS created_at,
       t.revoked_at AS revoked_at, t.expires_at AS expires_at
