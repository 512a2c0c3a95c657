CREATE CONSTRAINT chainmap_meta_key IF NOT EXISTS
FOR (m:ChainmapMeta) REQUIRE m.key IS UNIQUE
