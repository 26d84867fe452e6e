"""Quotes behind a score (vendor_qa.grading.evidence): what a quote field may name, and what is kept of it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.grading.evidence import MAX_QUOTES, NOT_A_QUOTE, TOO_MANY, Quote, Transcript, resolve, tokens_of

LINES = ("Agent: Hello.", "Customer: My bill is wrong.", "", "Agent: Fixed.")
CALL = Transcript(LINES, duration_seconds=90)

quotes = st.one_of(
    st.builds(lambda n: Quote(line=n, text=LINES[n]), st.integers(0, len(LINES) - 1)),
    st.builds(lambda t: Quote(at=t), st.integers(0, CALL.duration_seconds)),
)


@given(st.lists(quotes, max_size=MAX_QUOTES, unique=True))
def test_the_quotes_of_this_call_come_back_as_given_and_survive_storage(given_quotes):
    found, error = resolve(" ".join(q.token for q in given_quotes), CALL)
    assert error is None and list(found) == given_quotes
    stored = [q.as_json() for q in found]
    assert resolve(tokens_of(stored), CALL) == (found, None)


@given(st.lists(quotes, min_size=1, max_size=4))
def test_a_quote_given_twice_is_kept_once(given_quotes):
    tokens = [q.token for q in given_quotes]
    found, error = resolve(" ".join(tokens + tokens), CALL)
    assert error is None and [q.token for q in found] == list(dict.fromkeys(tokens))


@given(st.one_of(st.integers(len(LINES), 10**9 - 1).map("line:{}".format),
                 st.integers(CALL.duration_seconds + 1, 10**9 - 1).map("time:{}".format),
                 st.text(min_size=1).filter(lambda s: s.strip() and not s.strip().startswith(("line:", "time:")))))
def test_anything_else_is_refused_whole(token):
    found, error = resolve(f"line:0 {token}", CALL)
    assert found == () and error == NOT_A_QUOTE


def test_the_text_of_a_line_is_the_calls_own_whatever_the_browser_sent():
    found, _ = resolve("line:1", CALL)
    assert found == (Quote(line=1, text="Customer: My bill is wrong."),)
    assert resolve("line:1:Customer: I am rich", CALL) == ((), NOT_A_QUOTE)


def test_a_criterion_takes_a_handful_of_quotes_not_the_whole_call():
    too_many = " ".join(f"time:{n}" for n in range(MAX_QUOTES + 1))
    assert resolve(too_many, CALL) == ((), TOO_MANY)


def test_lines_are_counted_in_the_masked_transcript_the_grader_reads():
    call = Transcript.of("Agent: Hi, Alice Berg here.\nCustomer: Ring +47 912 34 567.", 60, ("Alice Berg",))
    assert call.lines == ("Agent: Hi, [name] here.", "Customer: Ring [phone].")
