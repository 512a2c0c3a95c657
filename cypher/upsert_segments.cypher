UNWIND $rows AS row
MERGE (s:Segment {chain_id: row.chain_id, segment_id: row.segment_id})
SET s.name = row.name, s.stage = row.stage
WITH s, row
MATCH (c:Chain {chain_id: row.chain_id})
MERGE (s)-[:PART_OF]->(c)
