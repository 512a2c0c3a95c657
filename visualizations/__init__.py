"""Chain-strengthening atlases (强链图谱), installed as ``chainmap.visualizations``.

Builders turn a graph and its analysis into an :class:`Atlas` (:func:`chain_atlas`,
:func:`leader_atlas`, :func:`region_atlas`, :func:`enterprise_atlas`, and the chain as a whole,
segment by segment: :func:`segment_atlas`); :func:`render_atlas` makes
it one self-contained HTML page.
"""

from .atlas import Atlas, CoverageTable
from .chain import segment_atlas
from .page import render_atlas
from .region import region_atlas
from .views import NODE_CAP, chain_atlas, enterprise_atlas, leader_atlas

__all__ = [
    "NODE_CAP",
    "Atlas",
    "CoverageTable",
    "chain_atlas",
    "enterprise_atlas",
    "leader_atlas",
    "region_atlas",
    "render_atlas",
    "segment_atlas",
]
