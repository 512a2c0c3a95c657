// Certification bodies by id; a row replaces what the body had.
UNWIND $rows AS row
MERGE (b:CertificationBody {body_id: row.body_id})
SET b.name = row.name, b.approval_no = row.approval_no
