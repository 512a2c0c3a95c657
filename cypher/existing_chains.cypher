UNWIND $keys AS key
MATCH (c:Chain {chain_id: key})
RETURN c.chain_id AS key
