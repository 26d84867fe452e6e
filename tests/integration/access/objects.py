"""Per-area builders of the objects the access matrix names in its paths.

Each function takes (build, tenant, agent, call) and returns {placeholder: id}.
"""

from __future__ import annotations

from typing import Any, Callable

from vendor_qa import clock

BUILDERS: list[Callable[..., dict[str, Any]]] = []


def area(func: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    BUILDERS.append(func)
    return func


@area
def call_import(build, tenant, agent, call) -> dict[str, Any]:
    from vendor_qa.calls.models import CallImport
    from vendor_qa.extensions import db
    from vendor_qa.tenants.scoping import tenant_scope

    with tenant_scope(tenant.id):
        row = CallImport(tenant_id=tenant.id, filename="calls.csv", content="external_id\n", status="done")
        db.session.add(row)
        db.session.commit()
        return {"import_": row.id}


@area
def admin_tenant(build, tenant, agent, call) -> dict[str, Any]:
    """/admin pages name tenants by id, and graders (certified for this tenant) by user id."""
    return {"tenant_id": tenant.id, "grader": build.grader(tenant).id}


@area
def scorecard(build, tenant, agent, call) -> dict[str, Any]:
    """A published scorecard (v1) and its draft v2: the draft's first section and criterion too."""
    from decimal import Decimal

    from vendor_qa.extensions import db
    from vendor_qa.scorecards import versions
    from vendor_qa.tenants.scoping import tenant_scope

    with tenant_scope(tenant.id):
        v1 = versions.create_scorecard(tenant.id, "Inbound", ["phone"])
        versions.add_criterion(versions.add_section(v1, "Opening"), {"text": "Greets", "kind": "binary",
                                                                     "weight": Decimal(5)})
        versions.publish(v1, None)
        draft = versions.start_draft(v1.scorecard)
        db.session.commit()
        ids = {"scorecard": v1.scorecard_id, "version": v1.id, "draft": draft.id,
               "section": draft.sections[0].id, "criterion": draft.criteria[0].id}
        # Routes delete these rows in their own sessions; SQLite then reuses the ids, which
        # must not meet the stale objects in this session.
        db.session.expunge(v1.scorecard)
        return ids


def build_all(build, tenant, agent, call) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for builder in BUILDERS:
        found.update(builder(build, tenant, agent, call))
    return found


@area
def assignment(build, tenant, agent, call) -> dict[str, Any]:
    """An open assignment of the world's call on the published scorecard v1 (so after `scorecard`)."""
    from vendor_qa.extensions import db
    from vendor_qa.grading.assignments import create_assignment
    from vendor_qa.tenants.scoping import tenant_scope

    with tenant_scope(tenant.id):
        row = create_assignment(call, "sample")
        db.session.commit()
        return {"assignment": row.id, "call_external_id": call.external_id}


@area
def evaluation(build, tenant, agent, call) -> dict[str, Any]:
    """A submitted evaluation of another call of the agent, by a grader certified for the tenant."""
    from tests.integration import grading_helpers

    card = grading_helpers.scorecard(tenant, name="Evaluated")
    graded_call = build.call(agent)
    return {"evaluation": grading_helpers.submitted_evaluation(tenant, graded_call, build.grader(tenant), card)}


@area
def sla_exclusion(build, tenant, agent, call) -> dict[str, Any]:
    """An SLA exclusion of the world's agent, and the agent's own id for the exclusion form."""
    from datetime import date

    from vendor_qa.extensions import db
    from vendor_qa.sla.models import AgentExclusion
    from vendor_qa.tenants.scoping import tenant_scope

    with tenant_scope(tenant.id):
        row = AgentExclusion(tenant_id=tenant.id, agent_id=agent.id, from_date=date(2026, 11, 1),
                             to_date=date(2026, 11, 3), reason="leave")
        db.session.add(row)
        db.session.commit()
        return {"exclusion": row.id, "sla_agent": agent.external_id}


@area
def calibration_session(build, tenant, agent, call) -> dict[str, Any]:
    """An open calibration session of the world's call for two graders of the tenant (after `scorecard`)."""
    from datetime import timedelta

    from vendor_qa.calibration import service
    from vendor_qa.extensions import db
    from vendor_qa.tenants.scoping import tenant_scope

    graders = [build.grader(tenant), build.grader(tenant)]
    with tenant_scope(tenant.id):
        session = service.create_session(tenant, call, [g.id for g in graders], clock.now() + timedelta(days=3), None)
        db.session.commit()
        return {"calibration_session": session.id, "calibration_grader": graders[0].id}


@area
def report(build, tenant, agent, call) -> dict[str, Any]:
    """A ready report of week 2026-W47 with one delivery row (a stand-in PDF: drawing one per world is slow)."""
    import gzip

    from vendor_qa.extensions import db
    from vendor_qa import periods
    from vendor_qa.reports import builder
    from vendor_qa.reports.models import Report, ReportDelivery
    from vendor_qa.tenants.scoping import tenant_scope

    with tenant_scope(tenant.id):
        week = periods.parse_period("2026-W47", tenant.zone)
        csv = gzip.compress(b"evaluation_id\n")
        row = Report(tenant_id=tenant.id, kind="weekly", period=week.key, scheduled=True, status="ready",
                     built_at=clock.now(), snapshot=builder.build_snapshot(tenant, week), pdf=b"%PDF-1.4 stand-in",
                     evaluations_csv=csv, agents_csv=csv)
        db.session.add(row)
        db.session.flush()
        delivery = ReportDelivery(tenant_id=tenant.id, report_id=row.id, recipient="reports@client.example")
        db.session.add(delivery)
        db.session.commit()
        return {"report": row.id, "delivery": delivery.id}


@area
def dispute(build, tenant, agent, call) -> dict[str, Any]:
    """An open dispute of one criterion of a submitted evaluation, raised by a client manager of the tenant."""
    from tests.integration import grading_helpers
    from vendor_qa.disputes import service
    from vendor_qa.extensions import db
    from vendor_qa.grading.models import Evaluation
    from vendor_qa.tenants.scoping import tenant_scope

    card = grading_helpers.scorecard(tenant, name="Disputed")
    evaluation_id = grading_helpers.submitted_evaluation(tenant, build.call(agent), build.grader(tenant), card)
    manager = build.manager(tenant)
    with tenant_scope(tenant.id):
        found, errors = service.raise_dispute(db.session.get(Evaluation, evaluation_id),
                                              {"r-" + card.key("Greets"): "The agent did greet."}, manager, tenant)
        assert not errors, errors
        return {"dispute": found.id}


@area
def double_grade(build, tenant, agent, call) -> dict[str, Any]:
    """A sample submitted by one grader and its blind double grade held by another, neither the world's
    grader (certified for the tenant after these are built): {double_sample} and {double_work}."""
    from sqlalchemy import select

    from tests.integration import grading_helpers
    from vendor_qa.auth.models import User
    from vendor_qa.extensions import db
    from vendor_qa.grading import assignments
    from vendor_qa.grading.models import Assignment, Evaluation
    from vendor_qa.tenants.scoping import tenant_scope

    card = grading_helpers.scorecard(tenant, name="Double-graded")
    first, second = build.grader(tenant), build.grader(tenant)
    doubled_call = build.call(agent)
    evaluation_id = grading_helpers.submitted_evaluation(tenant, doubled_call, first, card)
    with tenant_scope(tenant.id):
        sample = db.session.get(Evaluation, evaluation_id).assignment
        # The tenant's share may have chosen the call already (then another grader holds its double).
        work = db.session.scalar(select(Assignment).where(Assignment.call_id == doubled_call.id,
                                                          Assignment.reason == "double"))
        if work is None:
            work = assignments.create_assignment(doubled_call, "double", sample.scorecard_version)
            assignments.assign(work, db.session.get(User, second.id), None, "Reliability: blind second grade")
            db.session.commit()
        return {"double_sample": sample.id, "double_work": work.id}


@area
def coaching_session(build, tenant, agent, call) -> dict[str, Any]:
    """A coaching session of the agent with a follow-up due (vendor_qa.coaching)."""
    from datetime import date

    from vendor_qa.coaching.models import CoachingSession
    from vendor_qa.extensions import db
    from vendor_qa.tenants.scoping import tenant_scope

    with tenant_scope(tenant.id):
        row = CoachingSession(tenant_id=tenant.id, agent_id=agent.id, held_on=date(2026, 11, 10),
                              notes="Listen before answering.", follow_up_on=date(2026, 11, 24))
        db.session.add(row)
        db.session.commit()
        return {"coaching": row.id}


@area
def training(build, tenant, agent, call) -> dict[str, Any]:
    """A training of the world's agent, given a week ago (its follow-up running)."""
    from datetime import timedelta

    from vendor_qa.extensions import db
    from vendor_qa.tenants.scoping import tenant_scope
    from vendor_qa.trainings.models import Trainee, Training

    with tenant_scope(tenant.id):
        row = Training(tenant_id=tenant.id, title="Active listening", criterion_keys=[], topic="billing",
                       given_on=clock.now().date() - timedelta(days=7),
                       trainees=[Trainee(tenant_id=tenant.id, agent_id=agent.id)])
        db.session.add(row)
        db.session.commit()
        return {"training": row.id}
