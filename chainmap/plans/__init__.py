"""Plans built from the weak-link analysis: joint-certification batches (联合认证) and measures by
class (分类分级, one measure set per firm)."""

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
from chainmap.plans.measures import FirmMeasures, MeasureRules, firm_measures, load_measures
from chainmap.plans.settings import Planning, body_capacities, load_planning

__all__ = [
    "Batch",
    "Body",
    "Candidate",
    "FirmMeasures",
    "MeasureRules",
    "Planning",
    "assign",
    "body_capacities",
    "candidates",
    "coverage",
    "effects",
    "firm_measures",
    "form_batches",
    "load_measures",
    "load_planning",
    "plan_batches",
]
