MATCH (c:Chain)
RETURN c.chain_id AS chain_id, c.name AS name, c.region_code AS region_code
ORDER BY chain_id
