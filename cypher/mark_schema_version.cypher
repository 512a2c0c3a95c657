// Records the version of the form the data is written in, for a database that has none yet (an
// emptied one): what a later opening must not upgrade.
MERGE (m:ChainmapMeta {key: $key})
ON CREATE SET m.value = $version
