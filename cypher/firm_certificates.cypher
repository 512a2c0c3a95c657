// As one record holding every row.
UNWIND $usccs AS uscc
MATCH (:Enterprise {uscc: uscc})-[:HOLDS]->(x:Certificate)
WITH x ORDER BY x.cert_no
RETURN collect([x.cert_no, x.uscc, x.standard, x.standard_version, x.body_id, x.status,
                x.issued_on, x.expires_on, x.scope, x.grade, x.last_audit_on,
                x.status_since]) AS rows
