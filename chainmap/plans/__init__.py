"""Plans built from the weak-link analysis: joint-certification batches (联合认证) so far."""

from chainmap.plans.joint import (
    Batch,
    Body,
    Candidate,
    assign,
    candidates,
    coverage,
    effects,
    form_batches,
    plan_batches,
)
from chainmap.plans.settings import Planning, body_capacities, load_planning

__all__ = [
    "Batch",
    "Body",
    "Candidate",
    "Planning",
    "assign",
    "body_capacities",
    "candidates",
    "coverage",
    "effects",
    "form_batches",
    "load_planning",
    "plan_batches",
]
