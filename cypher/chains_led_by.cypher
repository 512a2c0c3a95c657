MATCH (e:Enterprise {uscc: $uscc})-[:LEADS]->(c:Chain)
RETURN c.chain_id AS chain_id, e.uscc AS uscc
ORDER BY chain_id
