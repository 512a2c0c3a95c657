MATCH (c:Chain {chain_id: $chain_id})
RETURN c.chain_id AS chain_id, c.name AS name, c.region_code AS region_code
