MATCH (t:ApiToken {token_id: $token_id})
WHERE t.revoked_at IS NULL
SET t.revoked_at = $when
RETURN count(t) AS revoked
