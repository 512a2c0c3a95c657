UNWIND $keys AS key
MATCH (x:Certificate {cert_no: key})
RETURN x.cert_no AS key
