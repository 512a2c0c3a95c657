// One tier up: the firms that supply any of the given firms.
UNWIND $usccs AS uscc
MATCH (s:Enterprise)-[:SUPPLIES]->(:Enterprise {uscc: uscc})
RETURN DISTINCT s.uscc AS uscc
