"""The server's cache of results: graphs are few and kept apart, derived results many."""

from __future__ import annotations

from chainmap.api.cache import Results


def test_graphs_are_capped_apart_and_small_results_do_not_push_them_out() -> None:
    results = Results(size=6, heavy=2)
    computed: list[object] = []

    def compute(key: object) -> object:
        computed.append(key)
        return key

    for chain in ("A", "B"):
        results.get(("chain", 1, chain), lambda c=chain: compute(c))
    for n in range(3):  # small results, fewer than the room left
        results.get(("json", 1, n), lambda n=n: compute(n))
    results.get(("chain", 1, "A"), lambda: compute("A again"))
    assert "A again" not in computed  # still kept
    results.get(("chain", 1, "C"), lambda: compute("C"))  # a third graph: B, the oldest, goes
    results.get(("chain", 1, "B"), lambda: compute("B again"))
    assert "B again" in computed
    results.get(("tree", 1, "L"), lambda: compute("L"))  # graphs of every kind count together
    assert sum(1 for k in results._items if k[0] in ("chain", "tree")) == 2
    for n in range(10):  # past the whole size, the least recently used go, whatever they are
        results.get(("json", 2, n), lambda n=n: compute(n))
    assert len(results._items) == 6 and not results._heavy_keys.keys() - results._items.keys()
