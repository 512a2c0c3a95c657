// An import gives a segment's whole list of feeds: the old list goes first.
UNWIND $segments AS segment
MATCH (:Segment {chain_id: segment.chain_id, segment_id: segment.segment_id})-[feeds:FEEDS]->()
DELETE feeds
