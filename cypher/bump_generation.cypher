// Counts the imports written: readers that cache what they computed compare it.
MERGE (m:ChainmapMeta {key: $key})
ON CREATE SET m.value = 1
ON MATCH SET m.value = m.value + 1
