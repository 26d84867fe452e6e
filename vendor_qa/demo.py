"""`flask demo load`: realistic demo data for a fresh machine.

Four client companies in four time zones and languages, their teams and
agents, four ISO weeks of calls up to now (at least 100 per agent per week),
a vendor admin, six graders and a client manager per company. The calls are
drawn from a seeded random generator, so the same moment gives the same data,
and are written with bulk INSERTs straight into the table (not through the
ingestion path, which validates one integration's batch at a time).

Each past week is then planned, mostly graded and closed through the SLA and
grading code (demo_history.py), so the client's pages have a history to show, and
the current week is planned as of now, so the graders' queues hold work.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from datetime import datetime, time as wall_time, timedelta, timezone
from typing import Any, Iterable, Iterator
from zoneinfo import ZoneInfo

import click
from flask.cli import AppGroup
from sqlalchemy import insert, select

from vendor_qa import clock
from vendor_qa import demo_content as content
from vendor_qa import periods
from vendor_qa.demo_history import add_history, plan_current_week
from vendor_qa.auth.accounts import create_user
from vendor_qa.auth.models import Role, User
from vendor_qa.calls.models import Agent, Call, Team
from vendor_qa.extensions import db
from vendor_qa.scorecards.demo import add_demo_scorecards
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import tenant_scope

demo_cli = AppGroup("demo", help="Demo data.")

DEMO_PASSWORD = "demo-pass-2026"
DEMO_LOGINS: list[tuple[str, str]] = [
    (Role.VENDOR_ADMIN.value, content.VENDOR_ADMIN_EMAIL),
    *((Role.GRADER.value, email) for email in content.GRADER_CERTIFICATIONS),
    *((Role.CLIENT_MANAGER.value, content.manager_email(spec.slug)) for spec in content.TENANTS),
]

CHUNK = 2_000  # rows per INSERT statement
DOUBLE_GRADE_SHARE = 0.15
LOW_RATED = 0.05  # share of calls a customer rates 2 or lower, on average over agents
UNRATED = 0.45  # most customers skip the survey
PII_SHARE = 0.2  # calls where the customer says a phone number, e-mail or card number
# Median handling time (seconds) and spread of a log-normal, by channel: most
# phone calls take 2-10 minutes, chats run longer, e-mails and posts are shorter work.
DURATIONS = {"phone": (300, 0.6), "chat": (540, 0.5), "email": (240, 0.55), "social": (150, 0.6)}
WORKDAY = (8, 20)  # local hours in which most contacts start


@dataclass(frozen=True)
class Volume:
    weeks: int
    per_week: int  # the least number of calls per agent per ISO week
    agents_per_tenant: int
    seed: int


def print_logins() -> None:
    """Print the demo logins that exist in this database (none when it holds no demo)."""
    emails = [email for _, email in DEMO_LOGINS]
    present = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    for role, email in DEMO_LOGINS:
        if email in present:
            click.echo(f"  {role:<16} {email} / {DEMO_PASSWORD}")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when any tenant exists (used by `make run`).")
@click.option("--weeks", default=4, show_default=True, type=click.IntRange(1, 12),
              help="ISO weeks of calls, the current one included.")
@click.option("--calls-per-week", "per_week", default=100, show_default=True, type=click.IntRange(1, 1000),
              help="The least number of calls per agent per week.")
@click.option("--agents-per-tenant", default=12, show_default=True, type=click.IntRange(1, 200))
@click.option("--seed", default=2026, show_default=True, help="Seed of the random generator.")
def load(if_empty: bool, weeks: int, per_week: int, agents_per_tenant: int, seed: int) -> None:
    """Load the demo data: tenants, people, four weeks of calls and the past weeks' evaluations."""
    if if_empty and db.session.scalar(select(Tenant.id).limit(1)) is not None:
        click.echo("The database has tenants already; no demo data loaded.")
        print_logins()
        return
    _refuse_if_loaded()
    started = time.monotonic()
    volume = Volume(weeks, per_week, agents_per_tenant, seed)
    now = clock.now()
    tenants = [_create_tenant(spec) for spec in content.TENANTS]
    _create_people(tenants)
    for spec, tenant in zip(content.TENANTS, tenants):
        agents, calls = _load_tenant(spec, tenant, volume, now)
        add_demo_scorecards(tenant)
        click.echo(f"{tenant.name} ({tenant.timezone}): {len(spec.teams)} teams, {agents} agents, {calls} calls, "
                   "3 scorecards")
        history = add_history(tenant, seed, weeks - 1, now)
        click.echo(f"  {history.evaluations} evaluations over {history.weeks} past week(s), "
                   f"{history.ungraded} assignment(s) left ungraded")
    for tenant in tenants:
        plan_current_week(tenant, now)
    db.session.commit()
    click.echo(f"Demo data loaded in {time.monotonic() - started:.1f} s. Log in with:")
    print_logins()


def _refuse_if_loaded() -> None:
    slugs = [spec.slug for spec in content.TENANTS]
    emails = [email for _, email in DEMO_LOGINS]
    if db.session.scalar(select(Tenant.slug).where(Tenant.slug.in_(slugs)).limit(1)) or \
            db.session.scalar(select(User.email).where(User.email.in_(emails)).limit(1)):
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


def _create_people(tenants: list[Tenant]) -> None:
    by_slug = {t.slug: t for t in tenants}
    create_user(email=content.VENDOR_ADMIN_EMAIL, password=DEMO_PASSWORD, role=Role.VENDOR_ADMIN,
                name="Vera Admin")
    for (email, slugs), name in zip(content.GRADER_CERTIFICATIONS.items(), content.GRADER_NAMES):
        create_user(email=email, password=DEMO_PASSWORD, role=Role.GRADER, name=name,
                    certify=[by_slug[s] for s in slugs])
    for tenant in tenants:
        create_user(email=content.manager_email(tenant.slug), password=DEMO_PASSWORD, role=Role.CLIENT_MANAGER,
                    name=f"{tenant.name} manager", tenant=tenant)


def _load_tenant(spec: content.TenantSpec, tenant: Tenant, volume: Volume, now: datetime) -> tuple[int, int]:
    rng = random.Random(f"{volume.seed}:{spec.slug}")  # a string seed is stable across processes
    with tenant_scope(tenant.id):
        teams = [Team(tenant_id=tenant.id, name=name) for name in spec.teams]
        agents = _agents(spec, tenant, teams, rng, volume.agents_per_tenant, now)
        db.session.add_all(teams + agents)
        db.session.flush()
        written = 0
        # render_nulls: one executemany per chunk, not a statement per pattern of missing values
        statement = insert(Call).execution_options(render_nulls=True)
        for rows in _chunks(_calls(spec, tenant, agents, rng, volume, now), CHUNK):
            db.session.execute(statement, rows)
            written += len(rows)
    return len(agents), written


def _agents(spec, tenant, teams, rng: random.Random, count: int, now: datetime) -> list[Agent]:
    language = spec.language
    names = rng.sample([(f, l) for f in language.first_names for l in language.last_names], count)
    return [
        Agent(tenant_id=tenant.id, external_id=f"{spec.agent_prefix}-{1001 + i}",
              display_name=language.full_name(first, last), team=teams[i % len(teams)],
              created_at=now - timedelta(days=rng.randint(60, 1500)))  # hired before the demo's weeks
        for i, (first, last) in enumerate(names)
    ]


def _calls(spec, tenant, agents, rng: random.Random, volume: Volume, now: datetime) -> Iterator[dict[str, Any]]:
    zone = ZoneInfo(spec.timezone)
    channels, shares = zip(*spec.channels.items())
    topics = list(spec.issues)
    number = 0
    for agent in agents:
        low_share = LOW_RATED * rng.uniform(0.4, 1.6)  # some agents upset customers more than others
        for week in (w.bounds for w in periods.recent_weeks(zone, volume.weeks, now)):
            end = min(week.end, now)
            for _ in range(rng.randint(volume.per_week, volume.per_week * 13 // 10)):
                number += 1
                channel = rng.choices(channels, shares)[0]
                topic = rng.choice(topics)
                external_id = f"{spec.agent_prefix}-C{number:07d}"
                yield {
                    "tenant_id": tenant.id,
                    "external_id": external_id,
                    "agent_id": agent.id,
                    "channel": channel,
                    "started_at": _moment(rng, week.start, end, zone),
                    "duration_seconds": _duration(rng, channel),
                    "customer_rating": _rating(rng, low_share),
                    "topic": topic,
                    "recording_url": (f"https://recordings.example/{spec.slug}/{external_id}.mp3"
                                      if channel == "phone" else None),
                    "transcript": _transcript(rng, spec, agent, topic),
                    "extra": {"queue": agent.team.name, "direction": "outbound" if rng.random() < 0.1 else "inbound",
                              "wait_seconds": int(rng.expovariate(1 / 40))},
                }


def _moment(rng: random.Random, start: datetime, end: datetime, zone: ZoneInfo) -> datetime:
    """A start time in [start, end), mostly in local working hours."""
    first_day = start.astimezone(zone).date()
    days = max(1, math.ceil((end - start) / timedelta(days=1)))
    local = datetime.combine(first_day + timedelta(days=rng.randrange(days)),
                             wall_time(rng.randrange(*WORKDAY), rng.randrange(60), rng.randrange(60)), tzinfo=zone)
    moment = local.astimezone(timezone.utc)
    if start <= moment < end:
        return moment
    # The current week has only begun (or the hour is past): anywhere in what there is of it.
    return start + (end - start) * rng.random()


def _duration(rng: random.Random, channel: str) -> int:
    median, spread = DURATIONS[channel]
    return max(15, min(5400, round(rng.lognormvariate(math.log(median), spread))))


def _rating(rng: random.Random, low_share: float) -> int | None:
    draw = rng.random()
    if draw < low_share:
        return rng.choice((1, 2, 2))
    if draw < low_share + UNRATED:
        return None
    return rng.choices((3, 4, 5), (2, 4, 5))[0]


def _transcript(rng: random.Random, spec: content.TenantSpec, agent: Agent, topic: str) -> str:
    language = spec.language
    # Chinese agents introduce themselves by full name; the others by first name.
    first_name = agent.display_name if language.family_name_first else agent.display_name.split()[0]
    agent_says, customer_says = f"{language.agent_label}: ", f"{language.customer_label}: "
    lines = [agent_says + rng.choice(language.greetings).format(agent=first_name, company=spec.name),
             customer_says + rng.choice(spec.issues[topic])]
    if rng.random() < PII_SHARE:
        lines.append(customer_says + rng.choice(language.pii_lines).format(**_pii(rng, language)))
    lines.append(agent_says + rng.choice(language.answers))
    if rng.random() < 0.6:
        lines.append(customer_says + rng.choice(language.thanks))
    if rng.random() < 0.7:
        lines.append(agent_says + rng.choice(language.closings))
    return "\n".join(lines)


def _pii(rng: random.Random, language: content.Language) -> dict[str, str]:
    phone = "".join(str(rng.randrange(10)) if c == "#" else c for c in language.phone_format)
    email = f"{rng.choice(language.email_users)}{rng.randrange(1, 99)}@{rng.choice(language.email_domains)}"
    return {"phone": phone, "email": email, "card": _card_number(rng)}


def _card_number(rng: random.Random) -> str:
    """A made-up Visa-style number that passes the Luhn check, as a real one would."""
    digits = [4] + [rng.randrange(10) for _ in range(14)]
    total = sum(d if i % 2 else sum(divmod(2 * d, 10)) for i, d in enumerate(reversed(digits)))
    digits.append((10 - total % 10) % 10)
    text = "".join(map(str, digits))
    return " ".join(text[i:i + 4] for i in range(0, 16, 4))


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
