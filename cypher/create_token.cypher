CREATE (:ApiToken {
  token_id: $token_id, name: $name, role: $role, regions: $regions, enterprise: $enterprise,
  digest: $digest, created_at: $created_at, revoked_at: $revoked_at, expires_at: $expires_at
})
