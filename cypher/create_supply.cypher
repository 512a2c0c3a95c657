// Supply links with an end this import created: no earlier link between the two can exist.
UNWIND $rows AS row
MATCH (s:Enterprise {uscc: row.supplier})
MATCH (c:Enterprise {uscc: row.customer})
CREATE (s)-[:SUPPLIES {product: row.product, share: row.share, annual_value: row.annual_value}]->(c)
