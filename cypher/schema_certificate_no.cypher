CREATE CONSTRAINT certificate_no IF NOT EXISTS
FOR (x:Certificate) REQUIRE x.cert_no IS UNIQUE
