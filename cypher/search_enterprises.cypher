// Enterprise search: every condition is optional (a null parameter switches it off), and the
// bounds of what the caller may see ($within_regions, $within) are conditions like the others.
// One record: the number of matches and one page of them, by USCC. A certificate is in force on
// $on as chainmap.rules.in_force says: issued by then, expiring on or after it, and valid on it
// (a status dated after $on had not taken effect yet).
MATCH (e:Enterprise)
WHERE ($text IS NULL OR e.name CONTAINS $text OR e.uscc STARTS WITH $text)
  AND ($within_regions IS NULL OR any(p IN $within_regions WHERE e.region_code STARTS WITH p))
  AND ($within IS NULL OR e.uscc IN $within)
  AND ($region IS NULL OR e.region_code STARTS WITH $region)
  AND ($industry IS NULL OR e.industry_code STARTS WITH $industry)
  AND ($sizes IS NULL OR e.size IN $sizes)
  AND ($certified IS NULL OR $certified = EXISTS {
        MATCH (e)-[:HOLDS]->(c:Certificate)
        WHERE c.issued_on <= $on AND $on <= c.expires_on
          AND (c.status = $valid
               OR (c.status <> $unknown AND c.status_since IS NOT NULL AND $on < c.status_since))
      })
WITH e ORDER BY e.uscc
WITH collect(e) AS found
RETURN size(found) AS total,
       [x IN found[$offset..($offset + $limit)] |
        [x.uscc, x.name, x.region_code, x.industry_code, x.employees, x.revenue, x.assets,
         x.size, x.size_source, x.maturity, x.flags]] AS rows
