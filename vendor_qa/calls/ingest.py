"""Call ingestion shared by the JSON API and the CSV import: validate a batch, then upsert it.

Two steps, kept apart so that a caller can validate everything before it
writes anything (the CSV import validates the whole file, then writes it in
chunks):

- `validate_calls(items)` is pure: plain decoded JSON in, clean rows or field
  errors out. The rules are `CALL_SCHEMA`, the very schema the OpenAPI
  document publishes (vendor_qa.api.openapi), plus what JSON Schema cannot say
  (a timestamp must carry its UTC offset; an external id appears once a batch).
- `upsert_calls(tenant_id, rows)` writes a valid batch set-based, in the
  session's transaction: a fixed handful of statements whatever the batch size.

Sending a call again replaces its fields (idempotent on the tenant and the
call's external id). `agent_name` and `team` are used only to create an agent
that does not exist yet; an existing agent is left as the client keeps it, but
for its e-mail: an `agent_email` given sets the agent's address (the last one
given in a batch wins), an absent or null one leaves it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence
from urllib.parse import urlsplit

import fastjsonschema
from email_validator import EmailNotValidError, validate_email
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from sqlalchemy import any_, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from vendor_qa import clock
from vendor_qa.calls.models import CHANNELS, Agent, Call, Team, new_agent_code
from vendor_qa.extensions import db

_INT32_MAX = 2_147_483_647  # the largest value an INTEGER column holds
_CODE_ATTEMPTS = 5  # rounds to give new agents unique short codes (a clash is rare)


def _text(max_length: int | None, description: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "null"], "description": description}
    if max_length:
        schema["maxLength"] = max_length
    return schema


CALL_SCHEMA: dict[str, Any] = {
    "title": "Call",
    "type": "object",
    "required": ["external_id", "agent_external_id", "started_at", "duration_seconds"],
    "additionalProperties": False,
    "properties": {
        "external_id": {
            "type": "string", "minLength": 1, "maxLength": 120,
            "description": "Your id of the call; sending the same id again updates the call.",
        },
        "agent_external_id": {
            "type": "string", "minLength": 1, "maxLength": 120,
            "description": "Your id of the agent; an unknown agent is created.",
        },
        "agent_name": _text(200, "Display name of an agent created by this call (default: its external id)."),
        "team": _text(120, "Team of an agent created by this call; an unknown team is created."),
        "agent_email": _text(254, "The agent's e-mail address, where feedback reaches them; sets the "
                                  "agent's address when given (new or existing agent)."),
        "started_at": {
            "type": "string", "format": "date-time",
            "description": "ISO 8601 with a UTC offset, e.g. 2026-11-20T14:05:00+01:00; stored in UTC.",
        },
        "duration_seconds": {"type": "integer", "minimum": 0, "maximum": _INT32_MAX},
        "channel": {"enum": [*CHANNELS, None], "default": "phone"},
        "customer_rating": {"type": ["integer", "null"], "minimum": 1, "maximum": 5},
        "topic": _text(120, "What the call was about, e.g. billing."),
        "recording_url": _text(1000, "Where graders can listen to the call."),
        "transcript": _text(None, "The conversation as text."),
        "metadata": {"type": ["object", "null"], "description": "Any further facts, kept as given."},
    },
}

_REQUIRED: tuple[str, ...] = tuple(CALL_SCHEMA["required"])
_KNOWN: frozenset[str] = frozenset(CALL_SCHEMA["properties"])
_FIELD_ORDER = {name: i for i, name in enumerate(CALL_SCHEMA["properties"])}
# A valid call, the common case, is confirmed by the schema compiled to Python (fastjsonschema,
# about 20 times faster); when it objects, jsonschema lists every problem and has the last word.
_VALIDATOR = Draft202012Validator(CALL_SCHEMA)
_FAST_CHECK = fastjsonschema.compile(CALL_SCHEMA, use_formats=False)
_TEXT_FIELDS = tuple(name for name, rule in CALL_SCHEMA["properties"].items() if "string" in rule.get("type", ()))
_TYPE_WORDS = {"string": "a string", "integer": "an integer", "object": "a JSON object", "null": "null"}


@dataclass(frozen=True)
class FieldError:
    index: int  # position of the call in the batch (the CSV import turns it into a row number)
    field: str | None  # None: the call as a whole
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class IngestResult:
    created: int
    updated: int
    call_ids: list[int]  # every call created or updated, e.g. to sample the badly rated at once


class InvalidBatch(ValueError):
    def __init__(self, errors: list[FieldError]):
        super().__init__(f"{len(errors)} invalid field(s)")
        self.errors = errors


# --- validation (pure) -------------------------------------------------------------------------

def validate_calls(items: Sequence[Any]) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Clean rows for the upsert, or every error found; rows are only meaningful without errors."""
    rows: list[dict[str, Any]] = []
    errors: list[FieldError] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        problems = _item_errors(item)
        if problems:
            errors.extend(FieldError(index, field, message) for field, message in problems)
            continue
        seen = first_index.setdefault(item["external_id"], index)
        if seen != index:
            errors.append(FieldError(index, "external_id", f"repeats the call at index {seen}"))
            continue
        rows.append(_clean(item))
    return rows, errors


def _item_errors(item: Any) -> list[tuple[str | None, str]]:
    if not isinstance(item, dict):
        return [(None, "must be a JSON object")]
    try:
        _FAST_CHECK(item)
    except fastjsonschema.JsonSchemaException:
        return _schema_errors(item)
    return _beyond_schema_errors(item)


def _schema_errors(item: dict[str, Any]) -> list[tuple[str | None, str]]:
    """One message per field, in the schema's field order."""
    found: dict[str | None, str] = {name: "is required" for name in _REQUIRED if name not in item}
    found.update((name, "is not a known field") for name in item if name not in _KNOWN)
    for error in _VALIDATOR.iter_errors(item):
        if error.path:  # required / additionalProperties errors have none; covered above
            found.setdefault(str(error.path[0]), _message(error))
    for field, message in _beyond_schema_errors(item):
        found.setdefault(field, message)
    return sorted(found.items(), key=lambda pair: _FIELD_ORDER.get(pair[0], len(_FIELD_ORDER)))


def _message(error: ValidationError) -> str:
    """A sentence for a person, from the keyword that failed."""
    keyword, value = error.validator, error.validator_value
    if keyword == "type":
        kinds = [value] if isinstance(value, str) else value
        return "must be " + " or ".join(_TYPE_WORDS.get(k, k) for k in kinds)
    if keyword == "enum":
        return "must be one of " + ", ".join(v for v in value if v is not None)
    if keyword == "minimum":
        return f"must be at least {value}"
    if keyword == "maximum":
        return f"must be at most {value}"
    if keyword == "minLength":
        return "must not be empty"
    if keyword == "maxLength":
        return f"must be at most {value} characters"
    return error.message


def _beyond_schema_errors(item: dict[str, Any]) -> list[tuple[str, str]]:
    """What JSON Schema cannot say: text the database can store, a timestamp with its offset."""
    errors = [(name, "contains a character that cannot be stored (NUL or a lone surrogate)")
              for name in _TEXT_FIELDS if isinstance(item.get(name), str) and not _storable(item[name])]
    started_at = item.get("started_at")
    if isinstance(started_at, str) and _storable(started_at):
        moment = to_utc(started_at)
        if isinstance(moment, str):
            errors.append(("started_at", moment))
    email = item.get("agent_email")
    if isinstance(email, str) and email and _storable(email) and isinstance(normal_email(email), Exception):
        errors.append(("agent_email", f"is not a valid e-mail address: {normal_email(email)}"))
    recording_url = item.get("recording_url")
    if isinstance(recording_url, str) and recording_url and not is_web_url(recording_url):
        errors.append(("recording_url", "must be an http:// or https:// address, e.g. https://example.com/call.mp3"))
    return errors


def normal_email(text: str) -> str | EmailNotValidError:
    """The address in its normal form, or why it is not one (syntax only: no DNS look-up)."""
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        return error


def is_web_url(text: str) -> bool:
    """An absolute http(s) URL with a host: never `javascript:`, `data:`, `file:` or a relative path.

    The application fetches recordings from such URLs for its viewers (vendor_qa.grading.recordings).
    """
    parts = urlsplit(text.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def to_utc(value: str) -> datetime | str:
    """The moment in UTC, or why the text is not an ISO 8601 timestamp with an offset."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return "must be an ISO 8601 date and time, e.g. 2026-11-20T14:05:00+01:00"
    if moment.tzinfo is None:
        return "must include a UTC offset, e.g. +01:00 or Z"
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        return "is out of range"


def _clean(item: dict[str, Any]) -> dict[str, Any]:
    rating = item.get("customer_rating")
    return {
        "external_id": item["external_id"],
        "agent_external_id": item["agent_external_id"],
        "agent_name": item.get("agent_name") or item["agent_external_id"],
        "team": item.get("team") or None,
        "agent_email": normal_email(item["agent_email"]) if item.get("agent_email") else None,
        "started_at": to_utc(item["started_at"]),
        # JSON Schema counts 5.0 as an integer; the database wants an int.
        "duration_seconds": int(item["duration_seconds"]),
        "channel": item.get("channel") or "phone",
        "customer_rating": None if rating is None else int(rating),
        "topic": item.get("topic"),
        "recording_url": item.get("recording_url"),
        "transcript": item.get("transcript"),
        "metadata": item.get("metadata") or {},
    }


# --- writing (set-based) -----------------------------------------------------------------------

def ingest(tenant_id: int, items: Sequence[Any]) -> IngestResult:
    """Validate and upsert one batch atomically; raises InvalidBatch and writes nothing on any error.

    The priority reviews' job is written to the outbox in the same transaction: the batch
    is stored with its follow-up work or not at all, and reaches RQ whenever Redis is up.
    """
    rows, errors = validate_calls(items)
    if errors:
        raise InvalidBatch(errors)
    result = upsert_calls(tenant_id, rows)
    enqueue_priority_reviews(tenant_id, rows, result)
    db.session.commit()
    return result


def enqueue_priority_reviews(tenant_id: int, rows: Sequence[dict[str, Any]], result: IngestResult) -> None:
    """Badly rated calls go to QA at once (the SLA's priority reviews); only batches with ratings queue a job.

    Scheduled in the session's transaction (vendor_qa.work.outbox); the caller commits.
    """
    if any(row["customer_rating"] is not None for row in rows):
        from vendor_qa.sla import jobs as sla_jobs  # the SLA builds on ingestion, not the reverse

        sla_jobs.enqueue_priority_reviews(tenant_id, result.call_ids)


def upsert_calls(tenant_id: int, rows: Sequence[dict[str, Any]]) -> IngestResult:
    """Write validated rows in the session's transaction (the caller commits).

    Core statements with explicit tenant filters: no ORM objects per call, and
    a fixed number of statements per batch.
    """
    if not rows:
        return IngestResult(0, 0, [])
    agent_ids = _agent_ids(tenant_id, rows)
    now = clock.now()
    values = [_call_values(tenant_id, agent_ids[row["agent_external_id"]], row, now) for row in rows]
    # One order for every writer: concurrent batches that share calls then lock them alike, not crosswise.
    values.sort(key=lambda value: value["external_id"])
    db.session.execute(_upsert_statement(), values)
    written = _written(tenant_id, [row["external_id"] for row in rows])
    # An update keeps the call's created_at, so only the rows inserted now carry this batch's time.
    created = sum(1 for _, created_at in written if created_at == now)
    return IngestResult(created=created, updated=len(written) - created, call_ids=[id_ for id_, _ in written])


def _written(tenant_id: int, external_ids: list[str]) -> list[tuple[int, datetime]]:
    """Id and created_at of the calls just written, read back by the unique index.

    Cheaper than RETURNING, which doubles the cost of a many-row insert on PostgreSQL
    (measured with bench/ingest.py).
    """
    table = Call.__table__
    query = select(table.c.id, table.c.created_at).where(table.c.tenant_id == tenant_id,
                                                         _among(table.c.external_id, external_ids))
    return [(id_, created_at) for id_, created_at in db.session.execute(query)]


def _call_values(tenant_id: int, agent_id: int, row: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id, "agent_id": agent_id, "external_id": row["external_id"],
        "channel": row["channel"], "started_at": row["started_at"],
        "duration_seconds": row["duration_seconds"], "customer_rating": row["customer_rating"],
        "topic": row["topic"], "recording_url": row["recording_url"], "transcript": row["transcript"],
        "metadata": row["metadata"], "created_at": now, "updated_at": now,
    }


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _insert(table):
    """INSERT with ON CONFLICT support for the database in use."""
    return (postgresql if _postgres() else sqlite).insert(table)


def _upsert_statement():
    table = Call.__table__
    stmt = _insert(table)
    replaced = [c.name for c in table.columns if c.name not in ("id", "tenant_id", "external_id", "created_at")]
    return stmt.on_conflict_do_update(
        index_elements=[table.c.tenant_id, table.c.external_id],
        set_={name: stmt.excluded[name] for name in replaced},
    )


def _among(column, values: list[str]):
    """`column IN values`; on PostgreSQL as one array parameter.

    psycopg prepares a statement it runs often, and a generic plan of a
    1000-parameter IN list compares every row with every parameter; one
    array parameter keeps the index usable.
    """
    if _postgres():
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


def _agent_ids(tenant_id: int, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Agent id by external id, creating the agents (and their teams) that do not exist yet."""
    wanted = {row["agent_external_id"]: row for row in reversed(rows)}  # first mention wins
    found = _lookup(Agent.__table__, "external_id", tenant_id, wanted)
    missing = [row for ext, row in wanted.items() if ext not in found]
    if missing:
        team_ids = _team_ids(tenant_id, {row["team"] for row in missing if row["team"]})
        found.update(_create_agents(tenant_id, missing, team_ids))
    _set_emails(tenant_id, rows, found)
    return found


def _set_emails(tenant_id: int, rows: Sequence[dict[str, Any]], agent_ids: dict[str, int]) -> None:
    """The agents' e-mails given in the batch (the last given per agent), in one executemany."""
    emails = {row["agent_external_id"]: row["agent_email"] for row in rows if row.get("agent_email")}
    if not emails:
        return
    table = Agent.__table__
    db.session.execute(
        table.update().where(table.c.tenant_id == tenant_id, table.c.id == bindparam("agent"))
        .values(email=bindparam("address")),
        [{"agent": agent_ids[ext], "address": address} for ext, address in sorted(emails.items())],
    )


def _lookup(table, key: str, tenant_id: int, names: Iterable[str]) -> dict[str, int]:
    column = table.c[key]
    query = select(column, table.c.id).where(table.c.tenant_id == tenant_id, _among(column, list(names)))
    return {name: id_ for name, id_ in db.session.execute(query)}


def _team_ids(tenant_id: int, names: set[str]) -> dict[str, int]:
    if not names:
        return {}
    table = Team.__table__
    found = _lookup(table, "name", tenant_id, names)
    new = [{"tenant_id": tenant_id, "name": name} for name in sorted(names) if name not in found]
    if new:
        # Another request may create the same team meanwhile: skip it and read it back.
        db.session.execute(_insert(table).on_conflict_do_nothing(), new)
        found = _lookup(table, "name", tenant_id, names)
    return found


def _create_agents(tenant_id: int, rows: list[dict[str, Any]], team_ids: dict[str, int]) -> dict[str, int]:
    """Insert agents, skipping any a concurrent request created; retry the rare short-code clash."""
    table = Agent.__table__
    pending = {row["agent_external_id"]: row for row in sorted(rows, key=lambda row: row["agent_external_id"])}
    created: dict[str, int] = {}
    now = clock.now()
    for _ in range(_CODE_ATTEMPTS):
        values = [
            {"tenant_id": tenant_id, "external_id": ext, "display_name": row["agent_name"],
             "code": new_agent_code(), "team_id": team_ids.get(row["team"]), "active": True,
             "created_at": now, "updated_at": now}
            for ext, row in pending.items()
        ]
        db.session.execute(_insert(table).on_conflict_do_nothing(), values)
        created.update(_lookup(table, "external_id", tenant_id, pending))
        pending = {ext: row for ext, row in pending.items() if ext not in created}
        if not pending:
            return created
    raise RuntimeError(f"could not give {len(pending)} new agent(s) a unique code")
