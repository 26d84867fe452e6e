"""A graded history for the demo: a past week planned, mostly graded and closed.

The work goes through the product's own paths, so the history looks like one the
service would have made: the SLA planner creates the week's priority reviews and
samples and hands them to the certified graders, the holders submit them through
the grading form's code, and the SLA tracker closes the week. A tenth of the work
stays ungraded, so the SLA board shows missed requirements too. Once every past week
is done, the current week is planned as of now, as the daily run would have, so the
graders' queues hold its work (background.py runs the weeks in that order).

Answers come from seeded generators: each agent has a stable skill (a few are
clearly weaker) and a couple of criteria per scorecard are hard for most agents,
so the dashboards' problem areas and systemic findings have something to show.
Every piece of work draws from a generator of its own, seeded by its call, so a week
that a crash cut short and a rerun finished holds what one uninterrupted run makes.
"""

from __future__ import annotations

import random
import zlib
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vendor_qa import periods
from vendor_qa.calls.models import Agent
from vendor_qa.demo import content
from vendor_qa.extensions import db
from vendor_qa.grading import evaluations
from vendor_qa.grading.models import ACTIVE_STATUSES, Assignment, Evaluation
from vendor_qa.scorecards.models import Criterion, ScorecardVersion
from vendor_qa.scorecards.versions import get_version
from vendor_qa.sla import planner, tracker
from vendor_qa.tenants.models import Tenant
from vendor_qa.trainings import demo as trainings_demo

GRADED = 0.9  # share of the handed-out work the graders submit
WEAK_AGENTS = 0.2  # share of agents who clearly lag behind
HARD_CRITERIA = 2  # per scorecard: criteria most agents often miss
NOT_APPLICABLE = 0.15  # how often a criterion that allows N/A does not apply
GRADING_MINUTES = (4, 20)
SECOND_OPINION_DIFFERS = 0.12  # per criterion: how often a double grade's answer is a step apart
_BIASES = (-1, 0, 0, 1)  # a grader's leaning on double grades: stricter, none, none, more lenient
CLOSE_DELAY = timedelta(minutes=30)  # the hourly job closes a week shortly after it ends


def past_weeks(tenant: Tenant, count: int, now: datetime) -> list[str]:
    """The `count` ISO weeks before the current one in the tenant's zone, oldest first."""
    found = [periods.week_of(now, tenant.timezone)]
    for _ in range(count):
        found.append(periods.previous_week(found[-1]))
    return found[:0:-1]


def add_week(tenant: Tenant, seed: int, week: str, now: datetime) -> None:
    """Plan, grade and close the tenant's past `week` (run in its tenant scope; each step commits).

    A closed week is left alone, and a week planned already is not planned again, so a
    rerun after a crash grades only the work still held and then closes the week.
    """
    if planner.is_closed(tenant.id, week):
        return
    _, end = periods.week_bounds(week, tenant.timezone)
    if not _planned(week):
        planner.plan_week(tenant.id, week, end)
    grader = _Grader(tenant, seed)
    seen: set[int] = set()
    # A submitted sample may bring a blind double grade for another grader: a second pass grades those.
    while work := [a for a in _held(week) if a.id not in seen]:
        for assignment in work:
            seen.add(assignment.id)
            grader.grade(assignment, end, now)
    tracker.close_week(tenant.id, week, min(now, end + CLOSE_DELAY))


def plan_current_week(tenant: Tenant, week: str, now: datetime) -> None:
    """The week of the demo's loading as today's planning run leaves it: its work in the graders' queues.

    Run once every tenant has its history: graders work for several tenants, and the hand-out
    weighs the work they hold in all of them, so work handed out now would have been in
    their way when the past weeks were handed out.
    """
    _, end = periods.week_bounds(week, tenant.timezone)
    planner.plan_week(tenant.id, week, min(now, end))


def _planned(week: str) -> bool:
    # The plan is one transaction: any of its assignments means all of them.
    return db.session.scalar(select(Assignment.id).where(Assignment.week == week).limit(1)) is not None


def _held(week: str) -> list[Assignment]:
    return list(db.session.scalars(
        select(Assignment).where(Assignment.week == week, Assignment.status.in_(ACTIVE_STATUSES),
                                 Assignment.grader_id.is_not(None))
        .options(selectinload(Assignment.call), selectinload(Assignment.events)).order_by(Assignment.id)))


class _Grader:
    """The tenant's graders at work on a week: who submits what, when, with which answers."""

    def __init__(self, tenant: Tenant, seed: int) -> None:
        self.tenant, self.seed = tenant, seed
        self.skills = _skills(random.Random(f"{seed}:{tenant.slug}:history"))
        self.versions: dict[int, ScorecardVersion] = {}
        self.hard: dict[int, set[str]] = {}
        self.trained = trainings_demo.effects(tenant)  # the demo's finished trainings, before and after

    def grade(self, assignment: Assignment, week_end: datetime, now: datetime) -> None:
        """Submit the work, unless its draw leaves it ungraded or the week ends first."""
        draws = random.Random(f"{self.seed}:{self.tenant.slug}:{assignment.reason}:{assignment.call.external_id}")
        if draws.random() >= GRADED:
            return
        version = self._version(assignment.scorecard_version_id)
        first = _first_grade(assignment)
        if first is None:
            call = assignment.call
            trained = trainings_demo.chances(self.trained, call.agent_id, call.started_at)
            form = _form(version, self.skills[call.agent_id], self.hard[version.id], draws, trained)
            after = assignment.call.started_at + timedelta(seconds=assignment.call.duration_seconds)
        else:
            bias = _BIASES[zlib.crc32(str(assignment.grader_id).encode()) % len(_BIASES)]
            form = _second_opinion(version, first.answers, bias, draws)
            after = first.submitted_at
        _submit(assignment, form, self.tenant, after, week_end, now, draws)

    def _version(self, version_id: int) -> ScorecardVersion:
        """The version with its criteria, read once per week, and the criteria hard for its agents."""
        if version_id not in self.versions:
            version = self.versions[version_id] = get_version(version_id)
            self.hard[version_id] = hard_criteria(self.seed, self.tenant, version)
        return self.versions[version_id]


def hard_criteria(seed: int, tenant: Tenant, version: ScorecardVersion) -> set[str]:
    """The keys of the version's criteria that most agents often miss (the demo's systemic problems)."""
    picks = random.Random(f"{seed}:{tenant.slug}:hard:{version.scorecard.name}")
    return {c.key for c in picks.sample(version.criteria, HARD_CRITERIA)}


def _skills(rng: random.Random) -> dict[int, float]:
    """Each agent's chance of full marks on an ordinary criterion, in a stable order."""
    agent_ids = db.session.scalars(select(Agent.id).order_by(Agent.external_id)).all()
    weak = set(rng.sample(agent_ids, max(1, round(WEAK_AGENTS * len(agent_ids))))) if agent_ids else set()
    return {agent_id: rng.uniform(0.45, 0.65) if agent_id in weak else rng.uniform(0.8, 0.97)
            for agent_id in agent_ids}


def _first_grade(assignment: Assignment) -> Evaluation | None:
    """For a double grade, the evaluation it checks; None for any other work."""
    if assignment.reason != "double":
        return None
    return db.session.scalar(select(Evaluation).where(
        Evaluation.call_id == assignment.call_id, Evaluation.status == "submitted",
        Evaluation.assignment_id != assignment.id).order_by(Evaluation.id).limit(1))


def _submit(assignment: Assignment, form: dict[str, str], tenant: Tenant, after: datetime, week_end: datetime,
            now: datetime, rng: random.Random) -> None:
    """The holder grades the work some time after `after`, within its week; not if the week (or now) ends first."""
    span = max(week_end - after, timedelta(minutes=2 * GRADING_MINUTES[1]))
    assigned = after + span * rng.uniform(0.01, 0.2)
    opened = assigned + (after + span - assigned) * rng.uniform(0.05, 0.7)
    submitted = opened + timedelta(minutes=rng.randint(*GRADING_MINUTES))
    if submitted >= min(now, week_end):
        return
    _backdate(assignment, assigned, week_end)
    evaluations.open_form(assignment, now=opened)
    checked = evaluations.submit(assignment, form, tenant, now=submitted)
    assert checked.ok, f"demo evaluation of assignment {assignment.id} refused: {checked.errors}"


def _backdate(assignment: Assignment, assigned: datetime, week_end: datetime) -> None:
    """Give the work the moment daily planning would have stamped on it, soon after its call.

    The demo plans a past week once, at its end (its calls all exist already, so planning it
    day by day would pick calls of later days); left as it is, work would be handed out
    after it was graded. The turnaround stays the policy's.
    """
    turnaround = assignment.due_at - (assignment.assigned_at or week_end)
    assignment.created_at = assignment.assigned_at = assigned
    assignment.due_at = assigned + turnaround
    for event in assignment.events:
        event.at = assigned


def _form(version: ScorecardVersion, skill: float, hard: set[str], rng: random.Random,
          trained: dict[str, float] | None = None) -> dict[str, str]:
    """The grading form's fields: an answer per criterion, a comment where points were lost, feedback.
    `trained`: the chance of full marks on the criteria a demo training decides (trainings_demo)."""
    form: dict[str, str] = {}
    missed: list[Criterion] = []
    applies = False
    for criterion in version.criteria:
        if criterion.allow_na and rng.random() < NOT_APPLICABLE:
            form[evaluations.answer_field(criterion.key)] = "na"
            continue
        applies = True
        chance = skill * 0.55 if criterion.key in hard else skill
        chance = (trained or {}).get(criterion.key, chance)
        if criterion.critical:
            chance = 1 - (1 - chance) / 3  # the serious mistakes are rarer
        options = [value for value, _ in criterion.answers() if value != "na"]  # best first
        if rng.random() < chance:
            form[evaluations.answer_field(criterion.key)] = options[0]
            continue
        # Short of full marks: small misses more often than the worst answer.
        place = rng.choices(range(1, len(options)), [1 / n for n in range(1, len(options))])[0]
        form[evaluations.answer_field(criterion.key)] = options[place]
        form[evaluations.comment_field(criterion.key)] = _comment(criterion, place == len(options) - 1)
        missed.append(criterion)
    if not applies:
        first = version.criteria[0]  # a call where nothing applies cannot be submitted
        form[evaluations.answer_field(first.key)] = first.answers()[0][0]
    return {**form, **_feedback(missed, rng)}


def _second_opinion(version: ScorecardVersion, first: dict[str, str], bias: int,
                    rng: random.Random) -> dict[str, str]:
    """A second grader's form for the same call: the first one's answers, a step apart now and then.

    `bias` is the grader's leaning (-1 stricter, 1 more lenient, 0 neither), so the reliability
    page finds some graders harsher than their peers.
    """
    form: dict[str, str] = {}
    missed: list[Criterion] = []
    for criterion in version.criteria:
        options = [value for value, _ in criterion.answers() if value != "na"]  # best first
        answer = first.get(criterion.key, "na")
        if answer in options and rng.random() < SECOND_OPINION_DIFFERS:
            direction = rng.choice((-1, 1))  # drawn every time, so the bias changes no other draw
            step = -bias if bias else direction  # lenient: towards the best answer
            answer = options[min(max(options.index(answer) + step, 0), len(options) - 1)]
        form[evaluations.answer_field(criterion.key)] = answer
        if answer in options and options.index(answer) > 0:
            form[evaluations.comment_field(criterion.key)] = _comment(criterion, answer == options[-1])
            missed.append(criterion)
    return {**form, **_feedback(missed, rng)}


def _feedback(missed: list[Criterion], rng: random.Random) -> dict[str, str]:
    return {"feedback_good": rng.choice(content.FEEDBACK_GOOD),
            "feedback_improve": (content.FEEDBACK_IMPROVE.format(criterion=rng.choice(missed).text) if missed
                                 else content.FEEDBACK_NOTHING_TO_IMPROVE)}


def _comment(criterion: Criterion, worst: bool) -> str:
    guidance = criterion.guidance_zero if worst else criterion.guidance_partial
    if criterion.kind == "graded" and guidance:
        return guidance
    if criterion.kind == "binary" and criterion.guidance_zero:
        return criterion.guidance_zero
    return content.LOST_POINTS.format(criterion=criterion.text)
