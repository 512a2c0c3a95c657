UNWIND $keys AS key
MATCH (e:Enterprise {uscc: key})
RETURN e.uscc AS key
