CREATE CONSTRAINT body_id IF NOT EXISTS
FOR (b:CertificationBody) REQUIRE b.body_id IS UNIQUE
