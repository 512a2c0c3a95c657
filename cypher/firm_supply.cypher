// Supply links out of a set of firms (the store keeps those whose customer is in the set).
UNWIND $usccs AS uscc
MATCH (s:Enterprise {uscc: uscc})-[link:SUPPLIES]->(c:Enterprise)
RETURN s.uscc AS supplier, c.uscc AS customer, link.product AS product, link.share AS share,
       link.annual_value AS annual_value
ORDER BY supplier, customer, product
