UNWIND $usccs AS uscc
MATCH (e:Enterprise {uscc: uscc})
RETURN e.uscc AS uscc, e.name AS name, e.region_code AS region_code,
       e.industry_code AS industry_code, e.employees AS employees, e.revenue AS revenue,
       e.assets AS assets, e.size AS size, e.size_source AS size_source,
       e.maturity AS maturity, e.flags AS flags
ORDER BY uscc
