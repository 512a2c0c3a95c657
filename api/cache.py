"""Results worth keeping between requests: a chain's graph and weak-link figures, a leader's tree.

They are computed from the data only, never from who asks (the caller's bounds are applied to
them afterwards), so one result serves every caller. Each is keyed by the store's generation,
which every import raises (the API's uploads as well as `chainmap import`), so an import makes
the older results unreachable and they age out of the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["Results"]

T = TypeVar("T")


#: the kinds of result (a key's first element) that hold a graph: a chain's analysis, a leader's
#: tree as read and as analysed. Each may take hundreds of megabytes on a large chain.
HEAVY = frozenset({"chain", "tiers", "tree"})


class Results:
    """A least-recently-used cache, safe to share between the server's threads. It keeps at most
    ``heavy`` results that hold a graph (:data:`HEAVY`) and ``size`` results in all: what pages
    and answers derive from the graphs is small, and keeping plenty of it spares recomputing a
    graph that was pushed out by a crowd of small results. Two requests missing the same key at
    once may both compute it; the last one kept wins."""

    def __init__(self, size: int = 1024, heavy: int = 32) -> None:
        self._size = size
        self._heavy = heavy
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._heavy_keys: OrderedDict[Hashable, None] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                if key in self._heavy_keys:
                    self._heavy_keys.move_to_end(key)
                self.hits += 1
                found: T = self._items[key]
                return found
            self.misses += 1
        value = compute()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            if isinstance(key, tuple) and key and key[0] in HEAVY:
                self._heavy_keys[key] = None
                self._heavy_keys.move_to_end(key)
                while len(self._heavy_keys) > self._heavy:
                    oldest, _ = self._heavy_keys.popitem(last=False)
                    self._items.pop(oldest, None)
            while len(self._items) > self._size:
                oldest, _ = self._items.popitem(last=False)
                self._heavy_keys.pop(oldest, None)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._heavy_keys.clear()
