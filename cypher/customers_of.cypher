MATCH (:Enterprise {uscc: $uscc})-[:SUPPLIES]->(c:Enterprise)
WHERE c.uscc <> $uscc
RETURN DISTINCT c.uscc AS uscc
