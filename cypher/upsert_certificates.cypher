// Certificates by number, held by a firm and issued by a body; a row replaces both links.
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
MATCH (b:CertificationBody {body_id: row.body_id})
MERGE (x:Certificate {cert_no: row.cert_no})
SET x.uscc = row.uscc,
    x.standard = row.standard,
    x.standard_version = row.standard_version,
    x.body_id = row.body_id,
    x.status = row.status,
    x.issued_on = row.issued_on,
    x.expires_on = row.expires_on,
    x.scope = row.scope,
    x.grade = row.grade,
    x.last_audit_on = row.last_audit_on,
    x.status_since = row.status_since
MERGE (e)-[:HOLDS]->(x)
MERGE (x)-[:ISSUED_BY]->(b)
WITH x, e, b
OPTIONAL MATCH (holder:Enterprise)-[old:HOLDS]->(x)
WHERE holder <> e
DELETE old
WITH DISTINCT x, b
OPTIONAL MATCH (x)-[old:ISSUED_BY]->(other:CertificationBody)
WHERE other <> b
DELETE old
