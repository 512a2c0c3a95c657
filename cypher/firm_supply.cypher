// Supply links out of a set of firms (the store keeps those whose customer is in the set),
// as one record holding every row.
UNWIND $usccs AS uscc
MATCH (s:Enterprise {uscc: uscc})-[link:SUPPLIES]->(c:Enterprise)
WITH s.uscc AS supplier, c.uscc AS customer, link
ORDER BY supplier, customer, link.product
RETURN collect([supplier, customer, link.product, link.share, link.annual_value]) AS rows
