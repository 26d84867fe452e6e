"""CSV files of calls: parsed into the API's call objects, imported by a background job.

The columns are the API's fields (vendor_qa.calls.ingest.CALL_SCHEMA); an empty
cell is an absent field and `metadata` holds a JSON object. The file as a whole
is checked at upload (`read_csv`), so a bad file is refused before anything is
queued. The job then validates every row with the API's rules and imports
nothing if any row is wrong; otherwise it writes every row, the priority reviews'
job (outbox) and the import's result in one transaction: a worker killed half-way
leaves no call behind, and the sweeper (vendor_qa.work.sweeper) queues the import
again. The uploaded text is dropped once the calls are in.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import click
from flask.cli import with_appcontext

from vendor_qa import clock
from vendor_qa.calls.ingest import (
    CALL_SCHEMA,
    IngestResult,
    enqueue_priority_reviews,
    upsert_calls,
    validate_calls,
)
from vendor_qa.calls.models import CallImport
from vendor_qa.extensions import db
from vendor_qa.jobs import tenant_job
from vendor_qa.tenants.scoping import all_tenants
from vendor_qa.work import outbox

MAX_ROWS = 50_000
CHUNK_SIZE = 1_000  # rows a statement
IMPORT_TIMEOUT = 600  # a full file on PostgreSQL takes well under a minute
MAX_REPORTED_ERRORS = 1_000  # enough to fix a file by; the report stays a readable size
COLUMNS: tuple[str, ...] = tuple(CALL_SCHEMA["properties"])
REQUIRED_COLUMNS: tuple[str, ...] = tuple(CALL_SCHEMA["required"])
_INTEGER_COLUMNS = frozenset(n for n, rule in CALL_SCHEMA["properties"].items() if "integer" in rule.get("type", ()))
_OBJECT_COLUMNS = frozenset(n for n, rule in CALL_SCHEMA["properties"].items() if "object" in rule.get("type", ()))
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
FIRST_DATA_ROW = 2  # rows are numbered as a spreadsheet shows them: the header is row 1


class CsvFileError(ValueError):
    """The file as a whole cannot be imported; the message says why and what to do."""


@dataclass
class CsvCalls:
    text: str  # the decoded file, as stored for the job
    row_numbers: list[int] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)  # rows whose shape is wrong


# --- parsing (pure) ------------------------------------------------------------------------------

def read_csv(data: bytes) -> CsvCalls:
    """The calls of an uploaded file, or CsvFileError for a file that cannot be imported at all."""
    try:
        text = data.decode("utf-8-sig")  # spreadsheets often start UTF-8 files with a BOM
    except UnicodeDecodeError:
        raise CsvFileError("The file is not UTF-8 text. Save it as \"CSV UTF-8\" and upload it again.") from None
    if "\x00" in text:
        raise CsvFileError("The file is not a text CSV file. Export the calls as CSV and upload that.")
    return parse_csv(text)


def parse_csv(text: str) -> CsvCalls:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = _header(next(reader, []))
        parsed = CsvCalls(text)
        for number, cells in enumerate(reader, start=FIRST_DATA_ROW):
            if not any(cell.strip() for cell in cells):
                continue  # a blank line: nothing to import, but it keeps its row number
            if len(parsed.calls) == MAX_ROWS:
                raise CsvFileError(f"The file has more than {MAX_ROWS:,} calls. Split it into smaller files.")
            _add_row(parsed, number, header, cells)
    except csv.Error as error:
        raise CsvFileError(f"The file is not valid CSV near line {reader.line_num}: {error}.") from None
    if not parsed.calls:
        raise CsvFileError("The file has a header but no calls.")
    return parsed


def _header(cells: list[str]) -> list[str]:
    names = [cell.strip() for cell in cells]
    if not any(names):
        raise CsvFileError("The file is empty or has no header row. The first row must name the columns, "
                           f"e.g. {','.join(REQUIRED_COLUMNS)}.")
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise CsvFileError(f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(COLUMNS)}.")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise CsvFileError(f"Column(s) named twice: {', '.join(repeated)}.")
    missing = [n for n in REQUIRED_COLUMNS if n not in names]
    if missing:
        raise CsvFileError(f"Required column(s) missing: {', '.join(missing)}.")
    return names


def _add_row(parsed: CsvCalls, number: int, header: list[str], cells: list[str]) -> None:
    if len(cells) > len(header):
        parsed.problems.append(error_entry(number, None, f"has {len(cells)} cells but the header "
                                                         f"names {len(header)} columns"))
    call = {name: _value(name, cell) for name, cell in zip(header, cells) if cell.strip()}
    parsed.row_numbers.append(number)
    parsed.calls.append(call)


def _value(column: str, cell: str) -> Any:
    """A cell as the API would receive it; what cannot be converted is left for validation to report."""
    if column in _INTEGER_COLUMNS and _INTEGER.match(cell):
        return int(cell)
    if column in _OBJECT_COLUMNS:
        try:
            return json.loads(cell)
        except ValueError:
            return cell
    return cell


def error_entry(row: int | None, field_name: str | None, message: str) -> dict[str, Any]:
    return {"row": row, "field": field_name, "message": message}


def check_rows(parsed: CsvCalls) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Clean rows for the upsert, and every problem of the file by row number (the API's rules)."""
    rows, errors = validate_calls(parsed.calls)
    found = parsed.problems + [error_entry(parsed.row_numbers[e.index], e.field, e.message) for e in errors]
    return rows, sorted(found, key=lambda entry: entry["row"])


# --- the job ---------------------------------------------------------------------------------------

def job_id(import_id: int) -> str:
    return f"import-{import_id}"


def schedule_import(tenant_id: int, import_id: int) -> None:
    """Schedule the import in the session's transaction (vendor_qa.work.outbox); the caller commits."""
    # No RQ retries: a failed import says so on its page, with a button to try again.
    outbox.schedule(import_calls, tenant_id, import_id, job_id=job_id(import_id), timeout=IMPORT_TIMEOUT, retry=None)


@tenant_job
def import_calls(tenant_id: int, import_id: int) -> None:
    """Import one uploaded file: all of it, or nothing if any row is wrong.

    Safe to run again: a finished import is left alone, and an interrupted one
    committed nothing and starts over.
    """
    upload = db.session.get(CallImport, import_id)
    if upload is None or upload.status in ("done", "failed"):
        return
    try:
        _run(tenant_id, upload)
    except Exception:
        db.session.rollback()
        # The file is kept: the page offers to try again.
        _finish(upload, "failed", [error_entry(None, None, "The import stopped on an unexpected error. "
                                                           "Try again; if it happens again, tell us.")],
                keep_file=True)
        raise


def _run(tenant_id: int, upload: CallImport) -> None:
    upload.status, upload.processed_rows, upload.created_count, upload.updated_count = "running", 0, 0, 0
    db.session.commit()
    try:
        parsed = parse_csv(upload.content)
    except CsvFileError as error:
        _finish(upload, "failed", [error_entry(None, None, str(error))])
        return
    rows, errors = check_rows(parsed)
    if errors:
        _finish(upload, "failed", errors)
        return
    upload.total_rows = len(rows)
    results = [upsert_calls(tenant_id, rows[start:start + CHUNK_SIZE]) for start in range(0, len(rows), CHUNK_SIZE)]
    result = IngestResult(created=sum(r.created for r in results), updated=sum(r.updated for r in results),
                          call_ids=[id_ for r in results for id_ in r.call_ids])
    enqueue_priority_reviews(tenant_id, rows, result)
    upload.processed_rows, upload.created_count, upload.updated_count = len(rows), result.created, result.updated
    _finish(upload, "done", [])  # the one commit of the calls


def _finish(upload: CallImport, status: str, errors: list[dict[str, Any]], keep_file: bool = False) -> None:
    upload.status = status
    upload.errors = errors[:MAX_REPORTED_ERRORS]
    upload.finished_at = clock.now()
    if not keep_file:
        upload.content = None  # imported, or to be fixed and uploaded again: the text is not kept
    db.session.commit()


@click.command("import-calls")
@click.argument("import_id", type=int)
@with_appcontext
def import_calls_command(import_id: int) -> None:
    """Run the import of an uploaded CSV file by its id (a finished one is left as it is)."""
    with all_tenants("cli: find the tenant of an import"):
        upload = db.session.get(CallImport, import_id)
        tenant_id = upload.tenant_id if upload else None
    if tenant_id is None:
        raise click.ClickException(f"no import with id {import_id}")
    import_calls(tenant_id, import_id)
    with all_tenants("cli: report an import"):
        upload = db.session.get(CallImport, import_id)
        click.echo(f"import {import_id}: {upload.status}, {upload.created_count} created, "
                   f"{upload.updated_count} updated, {len(upload.errors)} error(s)")
