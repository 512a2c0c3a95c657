// An import gives a chain's whole list of leaders: the old list goes first.
UNWIND $chain_ids AS chain_id
MATCH (:Enterprise)-[leads:LEADS]->(:Chain {chain_id: chain_id})
DELETE leads
