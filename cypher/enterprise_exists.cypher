MATCH (e:Enterprise {uscc: $uscc})
RETURN e.uscc AS uscc
