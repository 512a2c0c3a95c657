MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $prefix
RETURN e.uscc AS uscc
