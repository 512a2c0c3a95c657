"""Weak-link analysis: pure functions over a chain's networkx supply graph (supplier -> customer).

Nothing here knows about stores: :func:`chainmap.graph.to_digraph` builds the graph from a
store read, and these functions measure it (docs/analysis.md explains every figure).
"""

from chainmap.analysis.certification import Certification, CertState, certification
from chainmap.analysis.flow import Components, components, cut_off, exposure, lost_share
from chainmap.analysis.structure import Dominance, dominance, hhi, single_sourced
from chainmap.analysis.upstream import Upstream, normalised_shares, upstream
from chainmap.analysis.views import (
    Curve,
    Robustness,
    SegmentFigures,
    WhatIf,
    flow_order,
    robustness,
    segment_view,
    what_if,
)
from chainmap.analysis.weak_links import (
    REASONS,
    WEAK_LINK_FIELDS,
    FirmFigures,
    analyse_leader,
    chain_leaders,
    is_weak,
    select,
    weak_links,
)
from chainmap.analysis.weights import Weights, load_weights

__all__ = [
    "REASONS",
    "WEAK_LINK_FIELDS",
    "CertState",
    "Certification",
    "Components",
    "Curve",
    "Dominance",
    "FirmFigures",
    "Robustness",
    "SegmentFigures",
    "Upstream",
    "Weights",
    "WhatIf",
    "analyse_leader",
    "certification",
    "chain_leaders",
    "components",
    "cut_off",
    "dominance",
    "exposure",
    "flow_order",
    "hhi",
    "is_weak",
    "load_weights",
    "lost_share",
    "normalised_shares",
    "robustness",
    "segment_view",
    "select",
    "single_sourced",
    "upstream",
    "weak_links",
    "what_if",
]
