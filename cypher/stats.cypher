CALL () { MATCH (e:Enterprise) RETURN count(e) AS enterprises }
CALL () { MATCH ()-[s:SUPPLIES]->() RETURN count(s) AS supply_links }
CALL () { MATCH (x:Certificate) RETURN count(x) AS certificates }
CALL () { MATCH (c:Chain) RETURN count(c) AS chains }
CALL () { MATCH (s:Segment) RETURN count(s) AS segments }
CALL () { MATCH (:Enterprise)-[m:IN_SEGMENT]->(:Segment) RETURN count(m) AS members }
CALL () { MATCH (b:CertificationBody) RETURN count(b) AS bodies }
RETURN enterprises, supply_links, certificates, chains, segments, members, bodies
