"""Report documents: every figure recomputed from the raw rows, the PDF's text, CSV totals, anonymity, idempotency."""

from __future__ import annotations

import csv
import gzip
import io
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from tests.integration import report_data
from tests.integration.grading_helpers import pseudonym
from tests.integration.report_data import FULL, HALF, NONE, OSLO, raw_evaluations
from tests.integration.test_dashboard import _ci, _verdict
from vendor_qa import periods
from vendor_qa.extensions import db
from vendor_qa.reports import aggregates, dashboard, delivery, jobs
from vendor_qa.reports.models import Report
from vendor_qa.scorecards.scoring import DEFAULT_BANDS, band_for, display
from vendor_qa.tenants.scoping import tenant_scope

ZONE = ZoneInfo(OSLO)


LOW_AGENT = "Ola Lav"


def with_low_agent(build, world):
    """October's world plus an agent whose two October calls put him in the lowest band."""
    agent = build.agent(world.tenant, team=world.teams["T2"], display_name=LOW_AGENT)
    for day in (6, 7):
        report_data.evaluate(build, world.tenant, agent, world.grader, world.card, [FULL, HALF, NONE],
                             report_data.oslo(2026, 10, day, 11), topic="refund")
    world.agents["A5"] = agent
    return world


@pytest.fixture
def world(build):
    return with_low_agent(build, report_data.october(build))


def _build(world, period: str = "2026-10") -> Report:
    report_id = jobs.build_report(world.tenant.id, period)
    with tenant_scope(world.tenant.id):
        return db.session.scalar(select(Report).where(Report.id == report_id).options(
            undefer(Report.pdf), undefer(Report.evaluations_csv), undefer(Report.agents_csv)))


def _october_rows(world):
    first, end = datetime(2026, 10, 1, tzinfo=ZONE), datetime(2026, 11, 1, tzinfo=ZONE)
    return [r for r in raw_evaluations() if r.tenant_id == world.tenant.id and r.reason != "calibration"
            and first <= r.submitted_at < end]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(gzip.decompress(data).decode())))


def _percent(part: int, whole: int) -> str:
    return display(Decimal(100 * part) / whole) + "%"


def test_every_figure_matches_an_independent_recomputation(world):
    report = _build(world)
    s, rows = report.snapshot, _october_rows(world)
    totals = [r.total for r in rows]
    figures = s["figures"]
    assert report.status == "ready" and report.kind == "monthly" and report.scheduled
    assert figures["evaluations"] == len(rows) == 11
    assert Decimal(figures["average"]) == sum(totals) / len(totals)
    low, high = _ci(totals)
    assert float(figures["ci_low"]) == pytest.approx(low, abs=1e-9)
    assert float(figures["ci_high"]) == pytest.approx(high, abs=1e-9)
    assert figures["passed"] == sum(r.passed for r in rows)
    assert figures["auto_failed"] == sum(r.auto_failed for r in rows) == 1
    assert Decimal(figures["pass_rate"]) == Decimal(figures["passed"]) / 11

    by_agent = defaultdict(list)
    for r in rows:
        by_agent[r.agent_id].append(r.total)
    bands = defaultdict(int)
    for values in by_agent.values():
        bands[band_for(sum(values) / len(values), DEFAULT_BANDS).name] += 1
    assert {b["name"]: b["agents"] for b in s["bands"]} == {b.name: bands[b.name] for b in DEFAULT_BANDS}
    names = {a.id: a.display_name for a in world.agents.values()}
    lowest = sorted(names[agent] for agent, values in by_agent.items()
                    if band_for(sum(values) / len(values), DEFAULT_BANDS) == DEFAULT_BANDS[0])
    assert sorted(a["name"] for a in s["lowest_band"]["agents"]) == lowest == [LOW_AGENT]

    for criterion in s["criteria"]:
        results = [(r.agent_id, c) for r in rows for c in r.criteria if c[0] == criterion["key"] and c[1]]
        lost = [(agent, c) for agent, c in results if c[2] < c[3]]
        assert criterion["applicable"] == len(results)
        assert criterion["lost"] == len(lost)
        assert Fraction(criterion["points_lost"]) == sum(c[3] - c[2] for _, c in results)  # exact: "60/11"
        assert criterion["agents_lost"] == len({agent for agent, _ in lost})
        losses: dict[int, list[int]] = {}
        for agent, c in results:
            losses.setdefault(agent, [0, 0])
            losses[agent][0] += c[2] < c[3]
            losses[agent][1] += 1
        standing_out, systemic = _verdict(losses, 0.3)  # docs/methods.md's test, recomputed
        assert criterion["systemic"] == systemic
        assert criterion["verdict"] == ("systemic" if systemic else "individual" if standing_out else "none")
        assert {a["name"] for a in criterion["failing_agents"]} == {names[a] for a in standing_out}

    topics = defaultdict(list)
    for r in rows:
        topics[r.topic].append(r)
    assert {t["topic"]: t["evaluations"] for t in s["topics"]} == {k: len(v) for k, v in topics.items()}


def test_the_report_agrees_with_the_dashboard(world):
    report = _build(world)
    with tenant_scope(world.tenant.id):
        live = dashboard.build(world.tenant, periods.parse_period("2026-10", world.tenant.zone))
    scores = live.overview.scores
    assert report.snapshot["figures"]["evaluations"] == scores.evaluations
    assert Decimal(report.snapshot["figures"]["average"]) == scores.average
    assert [b["agents"] for b in report.snapshot["bands"]] == [b.agents for b in live.bands]
    assert [c["key"] for c in report.snapshot["criteria"]] == [c.key for c in live.criteria]
    assert report.snapshot["sla"]["met"] == live.sla.met


def test_the_pdf_shows_the_figures_findings_and_lowest_band_by_name(world):
    report = _build(world)
    s, text = report.snapshot, pdf_text(report.pdf)
    f = s["figures"]
    assert report.pdf.startswith(b"%PDF")
    assert "SLA fulfilment" in text
    assert f"Evaluations {f['evaluations']}" in text.replace("\n", " ")
    assert display(Decimal(f["average"])) in text
    assert _percent(f["passed"], 11) in text and _percent(f["auto_failed"], 11) in text
    assert "95% confidence interval" in text
    assert display(Decimal(f["ci_low"])) in text and display(Decimal(f["ci_high"])) in text
    for band in s["bands"]:
        assert band["name"] in text
    assert "Agents in the lowest band" in text and LOW_AGENT in text
    assert "Systemic findings" in text and "Individual findings" in text
    for criterion in s["criteria"]:
        assert criterion["text"] in text
    assert "Average score per ISO week" in text and "Agents per band" in text


def test_csv_totals_match_the_pdf_and_the_dashboard(world):
    report = _build(world)
    evaluations, agents = _csv(report.evaluations_csv), _csv(report.agents_csv)
    rows = _october_rows(world)
    assert sorted(int(e["evaluation_id"]) for e in evaluations) == sorted(r.id for r in rows)
    csv_average = sum(Decimal(e["total"]) for e in evaluations) / len(evaluations)
    assert csv_average == Decimal(report.snapshot["figures"]["average"])
    assert display(csv_average) in pdf_text(report.pdf)
    assert sum(e["passed"] == "1" for e in evaluations) == report.snapshot["figures"]["passed"]
    assert sum(int(a["evaluations"]) for a in agents) == len(evaluations)
    with tenant_scope(world.tenant.id):
        live = aggregates.overview(world.tenant, periods.parse_period("2026-10", world.tenant.zone)).scores
    assert len(evaluations) == live.evaluations and csv_average == live.average
    assert {a["agent_name"] for a in agents} == {a.display_name for a in world.agents.values()}


def test_no_grader_identity_in_the_pdf_csvs_page_or_email(world, login, client):
    report = _build(world)
    grader = world.grader
    with tenant_scope(world.tenant.id):
        report = db.session.get(Report, report.id)
        subject, text, html, attachments = delivery.message_parts(report)
        pdf = report.pdf
    page = login(world.tenant_manager).get(f"/t/{world.tenant.slug}/reports/{report.id}").get_data(as_text=True)
    downloads = [client.get(f"/t/{world.tenant.slug}/reports/{report.id}/{kind}.csv").get_data(as_text=True)
                 for kind in ("evaluations", "agents")]
    documents = [pdf_text(pdf), page, subject, text, html, *downloads]
    for document in documents:
        assert grader.name not in document and grader.email not in document
    graders = {row["grader"] for row in csv.DictReader(io.StringIO(downloads[0]))}
    assert graders == {pseudonym(world.tenant, grader)} and str(grader.id) not in graders


def test_a_built_report_never_changes_and_a_rerun_builds_nothing(world, build):
    report = _build(world)
    before = report.snapshot
    report_data.evaluate(build, world.tenant, world.agents["A4"], world.grader, world.card, [FULL, FULL, FULL],
                         report_data.oslo(2026, 10, 30, 12))
    again = _build(world)
    assert again.id == report.id and again.snapshot == before
    with tenant_scope(world.tenant.id):
        assert db.session.scalar(select(func.count()).select_from(Report)) == 1


def test_a_failed_build_is_recorded_and_built_again_on_rerun(world, monkeypatch):
    def broken(tenant, period):
        raise RuntimeError("database went away")

    monkeypatch.setattr("vendor_qa.reports.builder.build_snapshot", broken)
    with pytest.raises(RuntimeError):
        jobs.build_report(world.tenant.id, "2026-W42")
    with tenant_scope(world.tenant.id):
        failed = db.session.scalar(select(Report))
        assert failed.status == "failed" and "database went away" in failed.error
    monkeypatch.undo()
    assert _build(world, "2026-W42").status == "ready"
