UNWIND $rows AS row
MATCH (a:Segment {chain_id: row.chain_id, segment_id: row.from_segment})
MATCH (b:Segment {chain_id: row.chain_id, segment_id: row.to_segment})
MERGE (a)-[:FEEDS]->(b)
