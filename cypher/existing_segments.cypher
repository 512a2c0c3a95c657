// Segments are asked for as {chain_id, segment_id} maps.
UNWIND $keys AS key
MATCH (s:Segment {chain_id: key.chain_id, segment_id: key.segment_id})
RETURN s.chain_id AS chain_id, s.segment_id AS segment_id
