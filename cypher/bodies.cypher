MATCH (b:CertificationBody)
RETURN b.body_id AS body_id, b.name AS name, b.approval_no AS approval_no
ORDER BY body_id
