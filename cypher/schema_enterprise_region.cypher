// Region reads select firms by a prefix of their region code.
CREATE RANGE INDEX enterprise_region IF NOT EXISTS
FOR (e:Enterprise) ON (e.region_code)
