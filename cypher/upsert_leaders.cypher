UNWIND $rows AS row
MATCH (c:Chain {chain_id: row.chain_id})
MATCH (e:Enterprise {uscc: row.uscc})
MERGE (e)-[:LEADS]->(c)
