"""The rules every incoming call meets, through the API or a CSV file (pure: no database)."""

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.calls.ingest import validate_calls

GOOD = {"external_id": "c-1", "agent_external_id": "a-1",
        "started_at": "2026-11-20T14:05:00+01:00", "duration_seconds": 312}


def errors_of(*items):
    rows, errors = validate_calls(list(items))
    return [(e.index, e.field, e.message) for e in errors]


def test_a_minimal_call_is_valid_and_gets_the_defaults():
    rows, errors = validate_calls([GOOD])
    assert errors == []
    row = rows[0]
    assert row["started_at"] == datetime(2026, 11, 20, 13, 5, tzinfo=timezone.utc)
    assert row["channel"] == "phone"
    assert row["agent_name"] == "a-1"  # a new agent is named by its external id
    assert row["customer_rating"] is None and row["metadata"] == {}


def test_every_missing_required_field_is_named():
    assert errors_of({}) == [
        (0, "external_id", "is required"),
        (0, "agent_external_id", "is required"),
        (0, "started_at", "is required"),
        (0, "duration_seconds", "is required"),
    ]


def test_each_wrong_field_gets_one_readable_message():
    bad = dict(GOOD, external_id="", duration_seconds=-1, channel="fax", customer_rating=6,
               metadata=[1], topic=7, colour="blue")
    assert errors_of(bad) == [
        (0, "external_id", "must not be empty"),
        (0, "duration_seconds", "must be at least 0"),
        (0, "channel", "must be one of phone, chat, email, social"),
        (0, "customer_rating", "must be at most 5"),
        (0, "topic", "must be a string or null"),
        (0, "metadata", "must be a JSON object or null"),
        (0, "colour", "is not a known field"),
    ]


def test_started_at_needs_a_utc_offset():
    assert errors_of(dict(GOOD, started_at="2026-11-20T14:05:00")) == [
        (0, "started_at", "must include a UTC offset, e.g. +01:00 or Z")]
    assert errors_of(dict(GOOD, started_at="20 Nov 2026")) == [
        (0, "started_at", "must be an ISO 8601 date and time, e.g. 2026-11-20T14:05:00+01:00")]
    assert errors_of(dict(GOOD, started_at="2026-11-20T14:05:00Z")) == []


def test_text_the_database_cannot_store_is_refused():
    assert errors_of(dict(GOOD, transcript="a\x00b")) == [
        (0, "transcript", "contains a character that cannot be stored (NUL or a lone surrogate)")]
    assert errors_of(dict(GOOD, topic="\ud800")) != []


def test_integers_must_be_whole_numbers_and_not_booleans():
    assert errors_of(dict(GOOD, duration_seconds=1.5))[0][1:] == ("duration_seconds", "must be an integer")
    assert errors_of(dict(GOOD, customer_rating=True))[0][1] == "customer_rating"
    rows, errors = validate_calls([dict(GOOD, duration_seconds=60.0)])
    assert errors == [] and rows[0]["duration_seconds"] == 60 and isinstance(rows[0]["duration_seconds"], int)


def test_a_call_that_is_not_an_object_is_reported_as_a_whole():
    assert errors_of(GOOD, "call-2", None) == [(1, None, "must be a JSON object"), (2, None, "must be a JSON object")]


def test_an_external_id_twice_in_one_batch_is_an_error_at_the_repeat():
    assert errors_of(GOOD, dict(GOOD, external_id="c-2"), GOOD) == [(2, "external_id", "repeats the call at index 0")]


offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=offsets)
text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)
calls = st.fixed_dictionaries(
    {"external_id": text.filter(bool).map(lambda s: s[:120]),
     "agent_external_id": text.filter(bool).map(lambda s: s[:120]),
     "started_at": moments.map(datetime.isoformat),
     "duration_seconds": st.integers(0, 10 ** 6)},
    optional={"channel": st.sampled_from(["phone", "chat", "email", "social"]),
              "customer_rating": st.none() | st.integers(1, 5),
              "topic": st.none() | text, "transcript": st.none() | text,
              "metadata": st.dictionaries(text, st.integers() | text, max_size=3)},
)


@given(calls)
def test_any_well_formed_call_is_accepted_and_stored_as_the_same_moment_in_utc(call):
    rows, errors = validate_calls([call])
    assert errors == []
    started = rows[0]["started_at"]
    assert started.utcoffset() == timedelta(0)
    assert started == datetime.fromisoformat(call["started_at"])


@given(calls, st.sampled_from(["external_id", "agent_external_id", "started_at", "duration_seconds"]))
def test_a_call_missing_any_required_field_is_refused_naming_that_field(call, field):
    del call[field]
    assert errors_of(call) == [(0, field, "is required")]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10 ** 10) | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(text, inner, max_size=2), max_leaves=4)
fields = st.sampled_from([*GOOD, "agent_name", "team", "channel", "customer_rating", "topic",
                          "recording_url", "transcript", "metadata", "colour"])


@given(calls, fields, json_values)
def test_the_fast_check_and_the_full_schema_check_agree(call, field, value):
    """Valid calls skip the slow checker, so the two must judge every call alike."""
    from vendor_qa.calls.ingest import _FAST_CHECK, _VALIDATOR

    item = dict(call, **{field: value})
    try:
        _FAST_CHECK(item)
        fast_ok = True
    except Exception:
        fast_ok = False
    assert fast_ok == _VALIDATOR.is_valid(item)
