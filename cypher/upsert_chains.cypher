UNWIND $rows AS row
MERGE (c:Chain {chain_id: row.chain_id})
SET c.name = row.name, c.region_code = row.region_code
