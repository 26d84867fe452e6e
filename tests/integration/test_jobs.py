"""Background jobs run from Redis in a real RQ worker, each inside its tenant's context."""

from rq.job import JobStatus
from sqlalchemy import func, select

from tests.integration.job_helpers import run_jobs
from vendor_qa.calls.models import Agent
from vendor_qa.extensions import db
from vendor_qa.jobs import DEFAULT_TIMEOUT, enqueue, tenant_job


@tenant_job
def count_agents(tenant_id: int) -> int:
    return db.session.scalar(select(func.count(Agent.id)))


def count_agents_without_context(tenant_id: int) -> int:
    return db.session.scalar(select(func.count(Agent.id)))




def test_worker_runs_a_tenant_job_inside_that_tenants_context(app, build):
    acme, globex = build.tenant(), build.tenant()
    build.agent(acme)
    build.agent(acme)
    build.agent(globex)
    acme_job = enqueue(count_agents, acme.id)
    globex_job = enqueue(count_agents, globex.id)

    run_jobs(app)

    assert acme_job.get_status(refresh=True) == JobStatus.FINISHED
    assert acme_job.return_value() == 2
    assert globex_job.return_value() == 1


def test_a_job_without_tenant_context_fails_closed(app, build):
    build.agent(build.tenant())
    job = enqueue(count_agents_without_context, 1, retry=None)

    run_jobs(app)

    assert job.get_status(refresh=True) == JobStatus.FAILED
    assert "TenantContextMissing" in job.latest_result().exc_string


def test_jobs_are_enqueued_with_retries_and_a_timeout(app, build):
    tenant = build.tenant()
    job = enqueue(count_agents, tenant.id)
    assert job.retries_left == 3
    assert job.timeout == DEFAULT_TIMEOUT
    assert job.args == (tenant.id,)  # ids, never ORM objects
