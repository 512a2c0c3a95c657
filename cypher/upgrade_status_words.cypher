// Upgrades a database written at version 1 (or before versions were recorded): the status words
// now follow ISO/IEC 17021-1, $renamed maps each old word to its new one (撤销 was stored as
// revoked and is withdrawn; 注销 was stored as withdrawn and is cancelled). The version node is
// written first, which locks it: a second store opening the database at the same time waits,
// then finds the new version and renames nothing twice.
MERGE (v:ChainmapMeta {key: $key})
ON CREATE SET v.value = $old
SET v.upgraded_to = $version
WITH v, v.value AS found
SET v.value = $version
WITH found
WHERE found = $old
MATCH (x:Certificate)
WHERE x.status IN keys($renamed)
SET x.status = $renamed[x.status]
