"""The demo tenants' teams, agents and weeks of calls, from a seeded random generator.

The same seed and moment give the same data. The calls are written with bulk INSERTs
straight into the table, not through the ingestion path (which validates one
integration's batch at a time): at least 100 calls per agent per ISO week, mostly in
local working hours, with realistic durations, ratings and transcripts in the tenant's
language, a fifth of them with PII for the masking to hide.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, time as wall_time, timedelta, timezone
from typing import Any, Iterable, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from vendor_qa import periods
from vendor_qa.calls.models import Agent, Call, Team
from vendor_qa.demo import content
from vendor_qa.extensions import db
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import tenant_scope

CHUNK = 2_000  # rows per INSERT statement
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


def add_calls(spec: content.TenantSpec, tenant: Tenant, volume: Volume, now: datetime) -> tuple[int, int]:
    """The tenant's teams, agents and calls up to `now`; (agents, calls) written (the caller commits)."""
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


def _agents(spec: content.TenantSpec, tenant: Tenant, teams: list[Team], rng: random.Random, count: int,
            now: datetime) -> list[Agent]:
    language = spec.language
    names = rng.sample([(first, last) for first in language.first_names for last in language.last_names], count)
    return [
        Agent(tenant_id=tenant.id, external_id=f"{spec.agent_prefix}-{1001 + i}",
              display_name=language.full_name(first, last), team=teams[i % len(teams)],
              # most agents can be reached by e-mail; every fifth only through their team lead
              email=None if i % 5 == 4 else f"{spec.agent_prefix.lower()}-{1001 + i}@{spec.slug}.example",
              created_at=now - timedelta(days=rng.randint(60, 1500)))  # hired before the demo's weeks
        for i, (first, last) in enumerate(names)
    ]


def _calls(spec: content.TenantSpec, tenant: Tenant, agents: list[Agent], rng: random.Random, volume: Volume,
           now: datetime) -> Iterator[dict[str, Any]]:
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
