"""chainmap: industry-chain maps for quality-certification work.

Chain leaders (链主), the small and micro enterprises upstream and downstream of them, and their
QMS certificates, kept in an embedded SQLite store (or Neo4j) and analysed as networkx graphs.
"""

from chainmap.errors import ChainmapError
from chainmap.graph import to_digraph
from chainmap.store import Store, open_store

__version__ = "0.1.0"

__all__ = ["ChainmapError", "Store", "__version__", "open_store", "to_digraph"]
