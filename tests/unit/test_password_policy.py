"""The password policy: length, the common-password list, guessability."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from vendor_qa.auth.password_policy import MAX_LENGTH, MIN_LENGTH, common_passwords, password_problem


@pytest.mark.parametrize("password, problem", [
    ("", "at least 12 characters (this one has 0)"),
    ("hunter2", "at least 12 characters (this one has 7)"),
    ("x" * 129, "at most 128 characters (this one has 129)"),
    ("qwerty123456", "one of the most common passwords"),
    ("1QAZ2WSX3EDC", "one of the most common passwords"),  # the list is checked whatever the case
    ("passwordpassword", "too easy to guess: Repeats"),
    ("aaaaaaaaaaaa", "too easy to guess"),
    ("Password1234", "one of the most common passwords"),
])
def test_weak_passwords_are_refused_saying_why(password, problem):
    assert problem in password_problem(password)


@pytest.mark.parametrize("password", ["correct horse battery", "demo-pass-2026", "long enough pw",
                                      "Tr0ub4dor&3 is not it", "ü" * 12 + " umlaute"])
def test_good_passwords_pass(password):
    assert password_problem(password) is None


def test_the_accounts_own_words_count_as_known():
    assert password_problem("ingeborgvestli") is None
    assert "too easy to guess" in password_problem("ingeborgvestli", ["ingeborg", "vestli"])


def test_the_common_list_is_the_one_zxcvbn_ships():
    assert len(common_passwords()) >= 30_000 - 100
    assert {"123456", "password", "qwerty"} <= common_passwords()


@given(st.text(min_size=0, max_size=MIN_LENGTH - 1))
def test_anything_shorter_than_the_minimum_is_refused(password):
    assert password_problem(password).startswith(f"at least {MIN_LENGTH} characters")


@given(st.text(min_size=MIN_LENGTH, max_size=MAX_LENGTH + 20))
def test_the_answer_is_none_or_a_sentence(password):
    problem = password_problem(password)
    assert problem is None or (isinstance(problem, str) and problem)
