// One record holding every row: far fewer Bolt messages than a record a firm.
UNWIND $usccs AS uscc
MATCH (e:Enterprise {uscc: uscc})
WITH e ORDER BY e.uscc
RETURN collect([e.uscc, e.name, e.region_code, e.industry_code, e.employees, e.revenue,
                e.assets, e.size, e.size_source, e.maturity, e.flags]) AS rows
