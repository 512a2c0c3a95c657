UNWIND $chain_ids AS chain_id
MATCH (a:Segment {chain_id: chain_id})-[:FEEDS]->(b:Segment)
RETURN a.chain_id AS chain_id, a.segment_id AS from_segment, b.segment_id AS to_segment
ORDER BY chain_id, from_segment, to_segment
