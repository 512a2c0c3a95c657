"""Plans built from the weak-link analysis: joint-certification batches (联合认证), measures by
class (分类分级, one measure set per firm), the quarterly schedule, the problem list (问题清单) and
the one-chain-one-policy plan (一链一策) that holds them."""

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
from chainmap.plans.plan import Ask, ChainPlan, Indicator, build_plan
from chainmap.plans.problems import Category, Problem, problem_list
from chainmap.plans.schedule import Quarter, Schedule, quarter_end, quarters, schedule
from chainmap.plans.settings import Planning, body_capacities, load_planning

__all__ = [
    "Ask",
    "Batch",
    "Body",
    "Candidate",
    "Category",
    "ChainPlan",
    "FirmMeasures",
    "Indicator",
    "MeasureRules",
    "Planning",
    "Problem",
    "Quarter",
    "Schedule",
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
    "problem_list",
    "quarter_end",
    "quarters",
    "schedule",
]
