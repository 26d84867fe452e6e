"""`flask demo load` and `flask demo history`: the demo data for a fresh machine.

Four client companies in four time zones and languages, their teams and agents, four ISO
weeks of calls up to now (calls.py), a vendor admin, six graders and a client manager per
company (people.py), three published scorecards each; then the graded history: each past
week planned, mostly graded and closed, and the current week planned so the graders'
queues hold work (history.py).

With `--background` (and in `flask start --demo`, which `make run` uses) only the quick part
is written before the command returns; the history is left to a background job
(background.py), so the first page is served at once and says that figures are still
filling in. Without it the command loads everything before it returns, for tests and scripts.
"""

from __future__ import annotations

import time
from datetime import datetime

import click
from flask.cli import AppGroup
from sqlalchemy import select

from vendor_qa import clock
from vendor_qa.coaching import demo as coaching_demo
from vendor_qa.demo import background, content
from vendor_qa.demo.calls import Volume, add_calls
from vendor_qa.agent_view import demo as agent_demo
from vendor_qa.demo.people import DEMO_PASSWORD, any_demo_account, create_people, print_logins
from vendor_qa.extensions import db
from vendor_qa.scorecards.demo import add_demo_scorecards
from vendor_qa.tenants.models import Tenant
from vendor_qa.trainings import demo as trainings_demo

demo_cli = AppGroup("demo", help="Demo data.")

DEFAULT_VOLUME = Volume(weeks=4, per_week=100, agents_per_tenant=12, seed=2026)
DOUBLE_GRADE_SHARE = 0.15


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when any tenant exists.")
@click.option("--background", "in_background", is_flag=True,
              help="Leave the graded history to the RQ worker; pages say so until it is done.")
@click.option("--weeks", default=DEFAULT_VOLUME.weeks, show_default=True, type=click.IntRange(1, 12),
              help="ISO weeks of calls, the current one included.")
@click.option("--calls-per-week", "per_week", default=DEFAULT_VOLUME.per_week, show_default=True,
              type=click.IntRange(1, 1000), help="The least number of calls per agent per week.")
@click.option("--agents-per-tenant", default=DEFAULT_VOLUME.agents_per_tenant, show_default=True,
              type=click.IntRange(1, 200))
@click.option("--seed", default=DEFAULT_VOLUME.seed, show_default=True, help="Seed of the random generator.")
def load(if_empty: bool, in_background: bool, weeks: int, per_week: int, agents_per_tenant: int, seed: int) -> None:
    """Load the demo data: tenants, people, four weeks of calls and the past weeks' evaluations."""
    if if_empty and not database_is_empty():
        click.echo("The database has tenants already; no demo data loaded.")
    else:
        load_demo(Volume(weeks, per_week, agents_per_tenant, seed), in_background)
        click.echo("Log in with:")
    print_logins()


@demo_cli.command("history")
def history_command() -> None:
    """Load what is left of the demo's graded history now (what the background job does)."""
    started = time.monotonic()
    if not background.complete(lambda week, of: click.echo(f"history: week {week} of {of} done")):
        click.echo("No demo history is waiting to load.")
        return
    click.echo(f"The demo's graded history is loaded ({time.monotonic() - started:.1f} s).")


def database_is_empty() -> bool:
    return db.session.scalar(select(Tenant.id).limit(1)) is None


def load_demo(volume: Volume, in_background: bool) -> None:
    """The demo data, its graded history now or, `in_background`, by the RQ worker (`flask start --demo`)."""
    _refuse_if_loaded()
    started = time.monotonic()
    _load_quick_part(volume, clock.now())
    past = volume.weeks - 1
    if in_background:
        background.enqueue_history()
        click.echo(f"Demo data loaded in {time.monotonic() - started:.1f} s; its graded history ({past} past "
                   "week(s)) loads in the background, in the RQ worker.")
        return
    background.complete(lambda week, of: click.echo(f"  history: week {week} of {of} done"))
    for tenant, graded, ungraded in background.summary():
        click.echo(f"{tenant.name}: {graded} evaluations over {past} past week(s), "
                   f"{ungraded} assignment(s) left ungraded")
    click.echo(f"Demo data loaded in {time.monotonic() - started:.1f} s.")


def _load_quick_part(volume: Volume, now: datetime) -> None:
    """Tenants, people, calls and scorecards, and the record of the history still to load.

    The records are written in the last commit, so a load cut short leaves no history to do.
    """
    tenants = [_create_tenant(spec) for spec in content.TENANTS]
    create_people(tenants)
    for spec, tenant in zip(content.TENANTS, tenants):
        agents, calls = add_calls(spec, tenant, volume, now)
        add_demo_scorecards(tenant)
        coaching_demo.add_leads_and_coaching(tenant, DEMO_PASSWORD, now)
        agent_demo.issue_links(tenant)
        trainings_demo.plan(tenant, volume.seed, volume.weeks - 1, now)
        click.echo(f"{tenant.name} ({tenant.timezone}): {len(spec.teams)} teams, {agents} agents, {calls} calls, "
                   "3 scorecards")
    for tenant in tenants:
        background.record(tenant, volume.seed, volume.weeks - 1, now)
    db.session.commit()


def _refuse_if_loaded() -> None:
    slugs = [spec.slug for spec in content.TENANTS]
    if db.session.scalar(select(Tenant.slug).where(Tenant.slug.in_(slugs)).limit(1)) or any_demo_account():
        raise click.ClickException("the demo data is there already; load it into an empty database")


def _create_tenant(spec: content.TenantSpec) -> Tenant:
    # The demo's history is short: a larger share of blind double grades than the default 3%
    # gives the grader reliability page figures to show.
    tenant = Tenant(slug=spec.slug, name=spec.name, timezone=spec.timezone,
                    settings={"language": spec.language.code, "double_grade_share": DOUBLE_GRADE_SHARE,
                              **spec.settings})
    db.session.add(tenant)
    db.session.flush()
    return tenant
