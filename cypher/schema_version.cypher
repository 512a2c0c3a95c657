// The version of the form the data is stored in; null for a database written before it was
// recorded (or an empty one).
OPTIONAL MATCH (m:ChainmapMeta {key: $key})
RETURN m.value AS version
