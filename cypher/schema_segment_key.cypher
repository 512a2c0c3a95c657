// A segment is known by its chain and its id within the chain.
CREATE CONSTRAINT segment_key IF NOT EXISTS
FOR (s:Segment) REQUIRE (s.chain_id, s.segment_id) IS UNIQUE
