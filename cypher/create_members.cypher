// Memberships of firms this import created: no earlier membership can exist.
UNWIND $rows AS row
MATCH (s:Segment {chain_id: row.chain_id, segment_id: row.segment_id})
MATCH (e:Enterprise {uscc: row.uscc})
CREATE (e)-[:IN_SEGMENT]->(s)
