UNWIND $usccs AS uscc
MATCH (:Enterprise {uscc: uscc})-[:HOLDS]->(x:Certificate)
RETURN x.cert_no AS cert_no, x.uscc AS uscc, x.standard AS standard,
       x.standard_version AS standard_version, x.body_id AS body_id, x.status AS status,
       x.issued_on AS issued_on, x.expires_on AS expires_on, x.scope AS scope, x.grade AS grade
ORDER BY cert_no
