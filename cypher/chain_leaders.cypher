MATCH (e:Enterprise)-[:LEADS]->(c:Chain {chain_id: $chain_id})
RETURN c.chain_id AS chain_id, e.uscc AS uscc
ORDER BY uscc
