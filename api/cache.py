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


class Results:
    """A small least-recently-used cache, safe to share between the server's threads. Two
    requests missing the same key at once may both compute it; the last one kept wins."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                found: T = self._items[key]
                return found
            self.misses += 1
        value = compute()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
