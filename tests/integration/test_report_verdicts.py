"""The dashboard's systemic-or-individual verdicts, kept by a job: the same findings, never stale."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.integration import report_data
from vendor_qa import clock, periods
from vendor_qa.extensions import db
from vendor_qa.reports import aggregates, jobs, verdicts
from vendor_qa.reports.verdicts import CriterionVerdict
from vendor_qa.stats import differences
from vendor_qa.tenants.scoping import tenant_scope


@pytest.fixture
def world(build):
    return report_data.october(build)


def _october(world):
    with tenant_scope(world.tenant.id):
        return aggregates.criteria_problems(world.tenant, periods.parse_period("2026-10", world.tenant.zone))


def _untested(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a kept verdict was tested again")

    monkeypatch.setattr(differences, "classify", refuse)


def test_the_page_reads_the_kept_verdicts_and_shows_the_same_findings(world, monkeypatch):
    live = _october(world)
    assert any(p.systemic for p in live)  # something to keep
    assert jobs.refresh_verdicts() > 0  # the current and previous week and month: October's among them
    assert _kept(world) >= len(live)
    _untested(monkeypatch)
    assert _october(world) == live  # every figure, verdict, interval and listed agent alike
    assert jobs.refresh_verdicts() == 0  # a second run finds every verdict kept


def test_a_verdict_whose_inputs_changed_is_tested_again(world):
    jobs.refresh_verdicts()
    world.tenant.settings = {**(world.tenant.settings or {}), "systemic_share": 0.6}
    db.session.commit()
    assert not any(p.systemic for p in _october(world))  # two of four is below 60%: not the kept verdict


def _kept(world) -> int:
    with tenant_scope(world.tenant.id):
        return db.session.scalar(select(func.count()).select_from(CriterionVerdict))


def test_verdicts_no_refresh_used_for_a_week_are_dropped(world):
    jobs.refresh_verdicts()
    kept = _kept(world)
    # In December, October is no longer the current or previous month: its verdicts age, then go.
    jobs.refresh_verdicts((clock.now() + timedelta(days=verdicts.KEEP_DAYS - 1)).isoformat())
    assert _kept(world) == kept
    jobs.refresh_verdicts((clock.now() + timedelta(days=verdicts.KEEP_DAYS + 40)).isoformat())
    assert _kept(world) == 0
