// Certificates new to the store (looked up just before): created with both links, no MERGE.
// The uniqueness constraint on :Certificate(cert_no) refuses one another writer created meanwhile.
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
MATCH (b:CertificationBody {body_id: row.body_id})
CREATE (e)-[:HOLDS]->(x:Certificate {
  cert_no: row.cert_no,
  uscc: row.uscc,
  standard: row.standard,
  standard_version: row.standard_version,
  body_id: row.body_id,
  status: row.status,
  issued_on: row.issued_on,
  expires_on: row.expires_on,
  scope: row.scope,
  grade: row.grade,
  last_audit_on: row.last_audit_on,
  status_since: row.status_since
})-[:ISSUED_BY]->(b)
