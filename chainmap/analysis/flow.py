"""How a leader's purchases flow upstream: exposure, and what is lost when firms fail.

Supply loops (firms that, through others, supply each other) are strongly connected components
of the graph. A loop is treated as one firm: it carries the exposure that flows into it from its
customers outside the loop, every member is reported with that exposure, and the loop passes it
on to its outside suppliers in proportion to what its members buy from them. Links inside a loop
do not pass exposure around, so nothing is counted twice and every pass ends. On a graph without
loops this is exactly the formula: exposure(L) = 1, exposure(v) = sum over customers c of
share(v -> c) * exposure(c).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from chainmap.analysis.upstream import Upstream

__all__ = ["Components", "components", "cut_off", "exposure", "lost_share"]


@dataclass(frozen=True, slots=True)
class Components:
    """Supply loops of an upstream graph: ``of[i]`` is firm i's component; ``order`` lists the
    components customers first (the leader's first), so a component comes after every component
    it supplies. ``members[k]`` are component k's firms; ``outside[k]`` its suppliers outside it
    with the fraction of the component's purchases each carries: a member's link from outside
    carries its normalised share divided by ``divisor[k]`` (1 for a firm outside any loop)."""

    of: tuple[int, ...]
    order: tuple[int, ...]
    members: tuple[tuple[int, ...], ...]
    outside: tuple[tuple[tuple[int, float], ...], ...]
    divisor: tuple[float, ...]

    def looped(self, firm: int) -> bool:
        """True when the firm is in a supply loop (a component of more than one firm)."""
        return len(self.members[self.of[firm]]) > 1


def _strong_components(up: Upstream) -> list[list[int]]:
    """Tarjan's strongly connected components over supplier links, without recursion."""
    n = len(up)
    number = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    found: list[list[int]] = []
    counter = 0
    for root in range(n):
        if number[root] != -1:
            continue
        work = [(root, 0)]
        number[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            v, i = work[-1]
            links = up.suppliers[v]
            if i < len(links):
                work[-1] = (v, i + 1)
                w = links[i][0]
                if number[w] == -1:
                    number[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, 0))
                elif on_stack[w] and number[w] < low[v]:
                    low[v] = number[w]
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[v] < low[parent]:
                    low[parent] = low[v]
            if low[v] == number[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    component.append(w)
                    if w == v:
                        break
                found.append(sorted(component))
    return found


def components(up: Upstream) -> Components:
    """The supply loops of ``up`` and an order to walk them in (see :class:`Components`)."""
    found = _strong_components(up)
    of = [0] * len(up)
    for k, members in enumerate(found):
        for v in members:
            of[v] = k
    outside: list[tuple[tuple[int, float], ...]] = []
    divisor: list[float] = []
    for k, members in enumerate(found):
        if len(members) == 1:
            outside.append(up.suppliers[members[0]])
            divisor.append(1.0)
            continue
        weight: dict[int, float] = {}
        for m in members:
            for u, w in up.suppliers[m]:
                if of[u] != k:
                    weight[u] = weight.get(u, 0.0) + w
        total = sum(weight.values())
        divisor.append(total if total > 0 else float("inf"))
        if total > 0:
            outside.append(tuple((u, w / total) for u, w in sorted(weight.items())))
        else:  # every outside share given as 0: nothing to go by but an equal split
            outside.append(tuple((u, 1.0 / len(weight)) for u in sorted(weight)))
    # Kahn's order over the components, customers first: a component is ready when every
    # component it supplies has been passed.
    # (a component is counted once per link to it: what is added is taken away the same way)
    waiting = [0] * len(found)
    for links in outside:
        for u, _ in links:
            waiting[of[u]] += 1
    ready = deque(k for k in range(len(found)) if waiting[k] == 0)
    order: list[int] = []
    while ready:
        k = ready.popleft()
        order.append(k)
        for u, _ in outside[k]:
            waiting[of[u]] -= 1
            if waiting[of[u]] == 0:
                ready.append(of[u])
    return Components(
        of=tuple(of),
        order=tuple(order),
        members=tuple(tuple(m) for m in found),
        outside=tuple(outside),
        divisor=tuple(divisor),
    )


def exposure(up: Upstream, loops: Components | None = None) -> list[float]:
    """The share of the leader's purchases that flows through each firm (index as in ``up``)."""
    loops = loops or components(up)
    flow = [0.0] * len(loops.members)
    flow[loops.of[0]] = 1.0
    for k in loops.order:
        carried = flow[k]
        if carried:
            for u, w in loops.outside[k]:
                flow[loops.of[u]] += w * carried
    return [flow[k] for k in loops.of]


def lost_share(up: Upstream, failed: Collection[int], loops: Components | None = None) -> float:
    """The share of the leader's purchases lost when the ``failed`` firms stop supplying.

    No rerouting: every purchase whose supply path passes through a failed firm is lost. A loop
    with a failed member is lost as a whole. With one failed firm on a graph without loops this
    is that firm's exposure.
    """
    loops = loops or components(up)
    down = {loops.of[f] for f in failed}
    kept = [0.0] * len(loops.members)  # the fraction of a component's purchases still supplied
    for k in reversed(loops.order):  # suppliers first
        if k in down:
            continue
        links = loops.outside[k]
        kept[k] = sum(w * kept[loops.of[u]] for u, w in links) if links else 1.0
    return 1.0 - kept[loops.of[0]]


def cut_off(up: Upstream, failed: Collection[int]) -> list[int]:
    """Firms (not failed) with no supply path left to the leader once ``failed`` firms stop."""
    gone = set(failed)
    if 0 in gone:
        return [v for v in range(1, len(up)) if v not in gone]
    reached = [False] * len(up)
    reached[0] = True
    queue: Sequence[int] = [0]
    while queue:
        nxt = []
        for v in queue:
            for u, _ in up.suppliers[v]:
                if not reached[u] and u not in gone:
                    reached[u] = True
                    nxt.append(u)
        queue = nxt
    return [v for v in range(len(up)) if not reached[v] and v not in gone]
