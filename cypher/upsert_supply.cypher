// One SUPPLIES relationship per (supplier, customer, product); "" when no product is named.
UNWIND $rows AS row
MATCH (s:Enterprise {uscc: row.supplier})
MATCH (c:Enterprise {uscc: row.customer})
MERGE (s)-[link:SUPPLIES {product: row.product}]->(c)
SET link.share = row.share, link.annual_value = row.annual_value
