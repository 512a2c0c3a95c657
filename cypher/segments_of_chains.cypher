UNWIND $chain_ids AS chain_id
MATCH (s:Segment {chain_id: chain_id})
RETURN s.chain_id AS chain_id, s.segment_id AS segment_id, s.name AS name, s.stage AS stage
ORDER BY chain_id, segment_id
