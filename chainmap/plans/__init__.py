"""Plans built from the weak-link analysis: joint-certification batches (联合认证) so far."""

from chainmap.plans.joint import (
    Batch,
    Body,
    Candidate,
    assign,
    candidates,
    form_batches,
    plan_batches,
)

__all__ = ["Batch", "Body", "Candidate", "assign", "candidates", "form_batches", "plan_batches"]
