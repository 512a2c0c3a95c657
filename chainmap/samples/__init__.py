"""Sample datasets: realistic, reproducible industry chains with QMS certificates, as CSV files.

``generate_dataset`` writes the seven tables an import reads (enterprises, chains, segments,
members, supply, certificates, bodies) for any number of firms, streaming, so a million firms fit
in a few hundred MB of memory.
"""

from chainmap.samples.generate import (
    COLUMNS,
    ENCODINGS,
    MIN_FIRMS_PER_CHAIN,
    REFERENCE_DATE,
    GenerationSummary,
    generate_dataset,
)
from chainmap.samples.templates import TEMPLATES, ChainTemplate, SegmentTemplate

__all__ = [
    "COLUMNS",
    "ENCODINGS",
    "MIN_FIRMS_PER_CHAIN",
    "REFERENCE_DATE",
    "TEMPLATES",
    "ChainTemplate",
    "GenerationSummary",
    "SegmentTemplate",
    "generate_dataset",
]
