// A chain's firms, its members and its leaders, as one record holding the list.
MATCH (c:Chain {chain_id: $chain_id})
CALL (c) {
  MATCH (e:Enterprise)-[:IN_SEGMENT]->(:Segment)-[:PART_OF]->(c) RETURN e
  UNION
  MATCH (e:Enterprise)-[:LEADS]->(c) RETURN e
}
RETURN collect(DISTINCT e.uscc) AS usccs
