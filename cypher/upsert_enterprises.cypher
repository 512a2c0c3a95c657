// Firms by USCC; a row replaces what the firm had, and moves it to its region.
UNWIND $rows AS row
MERGE (e:Enterprise {uscc: row.uscc})
SET e.name = row.name,
    e.region_code = row.region_code,
    e.industry_code = row.industry_code,
    e.employees = row.employees,
    e.revenue = row.revenue,
    e.assets = row.assets,
    e.size = row.size,
    e.size_source = row.size_source,
    e.maturity = row.maturity,
    e.flags = row.flags
MERGE (r:Region {code: row.region_code})
MERGE (e)-[:LOCATED_IN]->(r)
WITH e, r
OPTIONAL MATCH (e)-[old:LOCATED_IN]->(elsewhere:Region)
WHERE elsewhere <> r
DELETE old
