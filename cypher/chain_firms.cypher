// A chain's firms: its members and its leaders.
MATCH (c:Chain {chain_id: $chain_id})
CALL (c) {
  MATCH (e:Enterprise)-[:IN_SEGMENT]->(:Segment)-[:PART_OF]->(c) RETURN e
  UNION
  MATCH (e:Enterprise)-[:LEADS]->(c) RETURN e
}
RETURN DISTINCT e.uscc AS uscc
