UNWIND $keys AS key
MATCH (b:CertificationBody {body_id: key})
RETURN b.body_id AS key
