"""Job status."""
from flask import Blueprint, g

from pika_mem.ledger import jobs

from .auth import require
from .errors import ApiError
from .openapi import documented
from .schemas import ErrorEnvelope, JobStatus

bp = Blueprint("jobs", __name__)


@bp.get("/v1/jobs/<job_id>")
@require("memories:read")
@documented(resp={"HTTP_200": JobStatus, "HTTP_401": ErrorEnvelope, "HTTP_404": ErrorEnvelope},
            tags=["jobs"])
def get_job(job_id: str):
    """Status, counts, per-stage timings and error of one job of the caller's tenant."""
    job = jobs.get_job(job_id, tenant=g.tenant)
    if job is None:
        raise ApiError(404, "not_found", "No such job.")
    return jobs.describe(job)
