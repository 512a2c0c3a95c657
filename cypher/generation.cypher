OPTIONAL MATCH (m:ChainmapMeta {key: $key})
RETURN coalesce(m.value, 0) AS generation
