// Firms new to the store (looked up just before): created with their region link, no MERGE.
// The uniqueness constraint on :Enterprise(uscc) refuses a firm another writer created meanwhile.
UNWIND $rows AS row
MERGE (r:Region {code: row.region_code})
CREATE (e:Enterprise {
  uscc: row.uscc,
  name: row.name,
  region_code: row.region_code,
  industry_code: row.industry_code,
  employees: row.employees,
  revenue: row.revenue,
  assets: row.assets,
  size: row.size,
  size_source: row.size_source,
  maturity: row.maturity,
  flags: row.flags
})-[:LOCATED_IN]->(r)
