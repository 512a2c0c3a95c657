// Each firm once, by its USCC.
CREATE CONSTRAINT enterprise_uscc IF NOT EXISTS
FOR (e:Enterprise) REQUIRE e.uscc IS UNIQUE
