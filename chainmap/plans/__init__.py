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
from chainmap.plans.plan import ChainPlan, build_plan
from chainmap.plans.settings import Planning, body_capacities, load_planning

__all__ = [
    "Batch",
    "Body",
    "Candidate",
    "ChainPlan",
    "FirmMeasures",
    "MeasureRules",
    "Planning",
    "assign",
    "body_capacities",
    "build_plan",
    "candidates",
    "coverage",
    "effects",
    "firm_measures",
    "form_batches",
    "load_measures",
    "load_planning",
    "plan_batches",
]
