// As one record holding every row.
UNWIND $usccs AS uscc
MATCH (e:Enterprise {uscc: uscc})-[:IN_SEGMENT]->(s:Segment)
WITH s.chain_id AS chain_id, s.segment_id AS segment_id, e.uscc AS uscc
ORDER BY chain_id, segment_id, uscc
RETURN collect([chain_id, segment_id, uscc]) AS rows
